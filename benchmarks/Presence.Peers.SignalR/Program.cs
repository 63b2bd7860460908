using Presence.Peers.SignalR;

// A SignalR hub doing the sample server's relay, for the load comparison in docs/benchmarks.md:
//   dotnet run -c Release --project benchmarks/Presence.Peers.SignalR -- --urls http://127.0.0.1:5098
// Clients reach it at /hub with ?uid=&name=&color=&room= (SignalR keeps "id" for its connection token), over
// WebSockets with the JSON hub protocol.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSignalR();

var app = builder.Build();
app.MapHub<CursorHub>("/hub");
app.MapGet("/api/v1/health", () => "ok");
app.Run();
