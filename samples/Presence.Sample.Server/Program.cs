using Microsoft.Extensions.FileProviders;
using Presence;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddPresence();

var app = builder.Build();

// The single origin routes /server/* here with the prefix still on, as the seed's Services rewrite does:
// /server/ws and /ws reach the same endpoint.
app.UsePathBase("/server");

// The board's static export, copied next to the server by the build, is served at "/".
var boardRoot = app.Configuration["Board:Root"] ?? Path.Combine(AppContext.BaseDirectory, "board");
if (Directory.Exists(boardRoot))
{
    var board = new PhysicalFileProvider(Path.GetFullPath(boardRoot));
    app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = board });
    app.UseStaticFiles(new StaticFileOptions { FileProvider = board });
}

app.UseRouting();

app.MapPresence("/ws");
app.MapGet("/api/v1/health", (PresenceEngine engine) => TypedResults.Ok(new HealthReport("ok", engine.StoreLabel, engine.ConnectionCount)));

app.Run();

internal sealed record HealthReport(string Status, string StateStore, int Connections);
