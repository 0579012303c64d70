using Akka.Configuration;
using Cluster.Agents.Core.Configuration;
using Microsoft.Extensions.Options;

namespace Cluster.Agents.Hosting;

/// <summary>Validates agent settings that implement <see cref="IValidatedSettings"/>, as options validation.</summary>
/// <typeparam name="T">The settings type.</typeparam>
/// <param name="keyPrefix">The settings block's key, e.g. <c>cluster-host.agents.drive.settings</c>.</param>
/// <param name="nodeConfig">The node's whole configuration.</param>
internal sealed class ValidatedSettingsValidator<T>(string keyPrefix, Config nodeConfig) : IValidateOptions<T>
    where T : class
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, T options)
    {
        // The settings throw rather than fail the result: their exception carries the key and the value.
        (options as IValidatedSettings)?.Validate(keyPrefix, nodeConfig);
        return ValidateOptionsResult.Success;
    }
}
