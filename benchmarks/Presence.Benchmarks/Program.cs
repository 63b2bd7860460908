using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Presence.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
