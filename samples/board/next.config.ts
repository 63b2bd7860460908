import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

// A static export: the sample server serves the board at "/" and the API at "/server/*" on one origin.
const nextConfig: NextConfig = {
  output: "export",
  reactStrictMode: true,
  images: { unoptimized: true },
  // The npm client is a file: dependency, linked from clients/typescript: Turbopack resolves only files under its
  // root, so the root is the repository's.
  turbopack: { root: fileURLToPath(new URL("../../", import.meta.url)) },
};

export default nextConfig;
