using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Admission;

namespace Microsoft.Extensions.Hosting;

public static class AdmissionHostingExtensions
{
    /// <summary>Registers <see cref="AdmissionTokens"/> with the key at <c>WaitingRoom:SigningKey</c>, read when first
    /// needed (a service started without it works until it meets an admission, which it then cannot check).</summary>
    public static IHostApplicationBuilder AddAdmissionTokens(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(services => new AdmissionTokens(
            services.GetRequiredService<IConfiguration>()[AdmissionTokens.ConfigurationKey]
                ?? throw new InvalidOperationException($"{AdmissionTokens.ConfigurationKey} is not configured: admissions cannot be signed or checked.")));
        return builder;
    }
}
