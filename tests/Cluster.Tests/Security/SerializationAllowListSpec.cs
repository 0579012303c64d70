using System.Collections.Immutable;
using System.Text;
using Cluster.Contracts.Calls;
using Cluster.Contracts.Serialization;
using Xunit;

namespace Cluster.Tests.Security;

public sealed class SerializationAllowListSpec
{
    private static string NameOf(Type type) => type.AssemblyQualifiedName!;

    [Theory]
    [InlineData(typeof(CallRequest))]
    [InlineData(typeof(int))]
    [InlineData(typeof(string))]
    [InlineData(typeof(DateTimeOffset))]
    [InlineData(typeof(Guid))]
    [InlineData(typeof(double[]))]
    [InlineData(typeof(List<string>))]
    [InlineData(typeof(Dictionary<string, int[]>))]
    [InlineData(typeof(ImmutableArray<CallReply>))]
    [InlineData(typeof(ValueTuple<int, string>))]
    [InlineData(typeof(InvalidOperationException))]
    [InlineData(typeof(System.Net.Sockets.SocketException))]
    [InlineData(typeof(Akka.Actor.Address))]
    [InlineData(typeof(Carrier))]
    public void Framework_types_dotnet_data_exceptions_and_registered_assemblies_are_allowed(Type type) =>
        Assert.Null(SerializationAllowList.Refusal(NameOf(type)));

    [Theory]
    [InlineData(typeof(StringBuilder), "namespaces")]
    [InlineData(typeof(System.Diagnostics.ProcessStartInfo), "namespaces")]
    [InlineData(typeof(Action), "code or a live resource")]
    [InlineData(typeof(FileInfo), "code or a live resource")]
    [InlineData(typeof(Type), "code or a live resource")]
    [InlineData(typeof(List<StringBuilder>), "System.Text.StringBuilder")]
    [InlineData(typeof(StringBuilder[]), "namespaces")]
    [InlineData(typeof(Akka.Actor.ActorSystem), "Akka's types")]
    [InlineData(typeof(Polly.ResiliencePipeline), "assembly Polly.Core is not registered")]
    [InlineData(typeof(Dictionary<string, Polly.ResiliencePipeline>), "Polly.Core")]
    public void Other_types_are_refused_with_the_reason(Type type, string reason)
    {
        var refusal = SerializationAllowList.Refusal(NameOf(type));

        Assert.NotNull(refusal);
        Assert.Contains(reason, refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[[[")]
    [InlineData("Evil.Gadget")]
    [InlineData("Evil.Gadget, Evil")]
    [InlineData("System.Nothing.Here, System.Private.CoreLib")]
    public void Names_that_are_malformed_unknown_or_name_no_assembly_are_refused(string name) =>
        Assert.NotNull(SerializationAllowList.Refusal(name));

    [Fact]
    public void Hyperions_short_core_library_names_are_understood() =>
        Assert.Null(SerializationAllowList.Refusal("System.Collections.Generic.List`1[[System.Int32, System.Private.CoreLib,%core%]], System.Private.CoreLib,%core%"));

    [Fact]
    public void A_registered_assembly_becomes_allowed_and_a_configured_one_only_where_configured()
    {
        const string name = "Rover.Payloads.Registered, Rover.Payloads.RegisteredInSpec";
        const string other = "Rover.Payloads.Configured, Rover.Payloads.ConfiguredInSpec";
        Assert.NotNull(SerializationAllowList.Refusal(name));

        SerializationAllowList.Register("Rover.Payloads.RegisteredInSpec");

        Assert.Null(SerializationAllowList.Refusal(name));
        Assert.Contains("Rover.Payloads.RegisteredInSpec", SerializationAllowList.RegisteredAssemblies);
        Assert.Null(SerializationAllowList.Refusal(other, new HashSet<string> { "Rover.Payloads.ConfiguredInSpec" }));
        Assert.NotNull(SerializationAllowList.Refusal(other));
    }
}
