namespace Cluster.Agents.Paths;

/// <summary>What a path is: each kind answers its own operations, and any other operation fails with <c>wrong_type_of_node</c>.</summary>
public enum PathKind
{
    /// <summary>An action: called with arguments, answers with a result.</summary>
    Action,

    /// <summary>A property: got and set through its owner's getter and setter.</summary>
    Property,

    /// <summary>An event: its owner emits, listeners receive.</summary>
    Event,

    /// <summary>A state: a value or Unknown that its owner changes and observers follow.</summary>
    State,
}
