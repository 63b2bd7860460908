using Presence.Peers.SignalR;

// A SignalR hub doing the sample server's relay, for the load comparison in docs/benchmarks.md:
//   dotnet run -c Release --project benchmarks/Presence.Peers.SignalR -- --urls http://127.0.0.1:5098
// Clients reach it at /hub with ?uid=&name=&color=&room= (SignalR keeps "id" for its connection token), over
// WebSockets with the JSON hub protocol.
// The sample server's runtime settings, so that the two differ only in what they run: socket completions on the
// socket engine's thread (here), and thread-pool workers that sleep at once (the csproj).
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSignalR();

var app = builder.Build();
app.MapHub<CursorHub>("/hub");
app.MapGet("/api/v1/health", () => "ok");
app.Run();
