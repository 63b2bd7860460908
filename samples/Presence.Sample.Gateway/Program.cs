// The single origin of a scaled-out deployment, as the seed's vercel.json rewrites describe it:
// /server/* is balanced across the API instances (WebSockets included), and / goes to the board, which every
// instance serves. Routes and instances are in appsettings.json, under ReverseProxy.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));

var app = builder.Build();
app.UseWebSockets();
app.MapReverseProxy();
app.Run();
