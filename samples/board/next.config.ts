import type { NextConfig } from "next";

// A static export: the sample server serves the board at "/" and the API at "/server/*" on one origin.
const nextConfig: NextConfig = {
  output: "export",
  reactStrictMode: true,
  images: { unoptimized: true },
};

export default nextConfig;
