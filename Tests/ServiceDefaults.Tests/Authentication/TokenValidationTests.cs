using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Platform.ServiceDefaults.Tests.Authentication;

public sealed class TokenValidationTests
{
    [Fact]
    public async Task JwtBearer_is_registered_but_is_no_default_so_anonymous_requests_never_run_it()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.AddTokenValidation();
        await using var app = builder.Build();
        var schemes = app.Services.GetRequiredService<IAuthenticationSchemeProvider>();

        Assert.NotNull(await schemes.GetSchemeAsync(JwtBearerDefaults.AuthenticationScheme));
        Assert.Null(await schemes.GetDefaultAuthenticateSchemeAsync());
    }
}
