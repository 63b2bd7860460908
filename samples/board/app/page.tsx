import { CollabCanvas } from "./collab-canvas";

export default function Home() {
  return <CollabCanvas />;
}
