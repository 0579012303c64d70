using System.Collections.Immutable;
using Akka.Actor;

namespace Cluster.Contracts.Registry;

// The replication protocol between the name registries of the nodes. Each node is the only writer of its
// own registrations; it tells every change to its peers, numbered by a version that grows by one per
// change, so a peer that misses one notices the gap and asks for the whole set again.

/// <summary>One registration held by a node, as it travels between the registries.</summary>
/// <param name="Name">The registered name.</param>
/// <param name="Kind">What the name stands for, e.g. <c>device</c> or <c>agent</c>.</param>
/// <param name="Owner">The actor registered under the name.</param>
/// <param name="RegisteredAt">When the holding node registered it (UTC); the earliest wins a conflict.</param>
public sealed record RegistryRecord(string Name, string Kind, IActorRef Owner, DateTimeOffset RegisteredAt) : IClusterMessage;

/// <summary>Tells a peer that <paramref name="Node"/> registered a name.</summary>
/// <param name="Node">The address of the node that holds the registration.</param>
/// <param name="Version">That node's version after this change.</param>
/// <param name="Record">The registration.</param>
public sealed record RegistryNameAdded(string Node, long Version, RegistryRecord Record) : IClusterMessage;

/// <summary>Tells a peer that <paramref name="Node"/> no longer holds a name.</summary>
/// <param name="Node">The address of the node that held the registration.</param>
/// <param name="Version">That node's version after this change.</param>
/// <param name="Name">The name.</param>
public sealed record RegistryNameRemoved(string Node, long Version, string Name) : IClusterMessage;

/// <summary>Every registration <paramref name="Node"/> holds; replaces whatever the receiver knew of that node.</summary>
/// <param name="Node">The address of the node that holds the registrations.</param>
/// <param name="Version">That node's version when it took the snapshot.</param>
/// <param name="Records">The registrations.</param>
public sealed record RegistrySnapshot(string Node, long Version, ImmutableArray<RegistryRecord> Records) : IClusterMessage;

/// <summary>Asks a peer for a <see cref="RegistrySnapshot"/> of its registrations, sent back to the sender.</summary>
/// <param name="Node">The address of the asking node.</param>
public sealed record RegistrySnapshotRequest(string Node) : IClusterMessage;

/// <summary>Tells peers, periodically, the version of the sender's registrations so that a lost change is noticed.</summary>
/// <param name="Node">The address of the node.</param>
/// <param name="Version">Its current version.</param>
public sealed record RegistryDigest(string Node, long Version) : IClusterMessage;
