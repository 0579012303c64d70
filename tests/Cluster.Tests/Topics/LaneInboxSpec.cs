using Cluster.Agents.Core.Topics;
using Xunit;

namespace Cluster.Tests.Topics;

public sealed class LaneInboxSpec
{
    private const string Node = "akka.tcp://robot@10.0.0.2:4053";
    private readonly LanePool _pool = new(1 << 20);
    private readonly LaneInbox _inbox = new();

    private LaneBuffer Buffer(int length, byte fill)
    {
        var buffer = _pool.Rent(length);
        buffer.Span.Fill(fill);
        return buffer;
    }

    [Fact]
    public void Bytes_that_arrive_first_are_handed_to_each_claim_and_given_back_once_all_routes_claimed()
    {
        _inbox.Arrived(Node, 1, Buffer(100, 7), LaneFrame.RawFlag, routes: 2);

        var first = _inbox.Claim(Node, 1, _ => Assert.Fail("answered at once"));
        var second = _inbox.Claim(Node, 1, _ => Assert.Fail("answered at once"));

        Assert.Equal(7, first!.Value.Buffer!.Span[99]);
        Assert.Same(first.Value.Buffer, second!.Value.Buffer);
        Assert.Equal(LaneFrame.RawFlag, first.Value.Flags);
        first.Value.Buffer.Release();
        Assert.Equal(0, _pool.Returned);
        second.Value.Buffer!.Release();
        Assert.Equal(1, _pool.Returned);
        Assert.Equal(0, _inbox.HeldCount);
    }

    [Fact]
    public void An_envelope_that_comes_first_gets_the_bytes_when_they_arrive()
    {
        LaneClaim? later = null;
        Assert.Null(_inbox.Claim(Node, 5, claim => later = claim));

        _inbox.Arrived(Node, 5, Buffer(10, 3), 0, routes: 1);

        Assert.Equal(3, later!.Value.Buffer!.Span[0]);
        later.Value.Buffer.Release();
        Assert.Equal(_pool.Rented, _pool.Returned);
    }

    [Fact]
    public void A_later_payload_arriving_tells_a_waiting_envelope_that_its_bytes_are_lost()
    {
        LaneClaim? later = null;
        _inbox.Claim(Node, 5, claim => later = claim);

        _inbox.Arrived(Node, 6, Buffer(10, 3), 0, routes: 1);

        Assert.NotNull(later);
        Assert.Null(later.Value.Buffer);
        Assert.Equal(1, _inbox.Lost);
        Assert.Null(_inbox.Claim(Node, 5, _ => { }) is { Buffer: null } ? null : (object?)"answered");
    }

    [Fact]
    public void A_payload_the_lane_broke_in_is_lost_for_its_envelope_whether_it_comes_before_or_after()
    {
        LaneClaim? before = null;
        _inbox.Claim(Node, 3, claim => before = claim);

        _inbox.Broke(Node, 4);

        Assert.Null(before!.Value.Buffer);
        Assert.Null(_inbox.Claim(Node, 4, _ => Assert.Fail("answered at once"))!.Value.Buffer);
        Assert.Equal(2, _inbox.Lost);
    }

    [Fact]
    public void A_new_connection_tells_the_envelopes_of_every_id_below_its_first_that_their_bytes_are_lost()
    {
        var lost = new List<long>();
        _inbox.Claim(Node, 8, claim => lost.Add(claim.Buffer is null ? 8 : -1));
        _inbox.Claim(Node, 9, claim => lost.Add(claim.Buffer is null ? 9 : -1));
        _inbox.Claim(Node, 12, _ => lost.Add(12));

        _inbox.Connected(Node, firstId: 10);

        Assert.Equal([8, 9], lost);
    }

    [Fact]
    public void What_waits_longer_than_the_hold_timeout_is_dropped_and_counted()
    {
        _inbox.Arrived(Node, 1, Buffer(10, 1), 0, routes: 1);
        LaneClaim? later = null;
        _inbox.Claim("akka.tcp://robot@10.0.0.3:4053", 2, claim => later = claim);

        _inbox.Sweep(TimeSpan.FromMilliseconds(-1));

        Assert.Equal(1, _inbox.Unclaimed);
        Assert.Equal(_pool.Rented, _pool.Returned);
        Assert.Null(later!.Value.Buffer);
    }

    [Fact]
    public void An_envelope_keeps_waiting_past_the_hold_timeout_while_its_lane_still_delivers_or_waits_for_room()
    {
        LaneClaim? later = null;
        _inbox.Claim(Node, 2, claim => later = claim);
        _inbox.Touch(Node, Environment.TickCount64 + 60_000);

        _inbox.Sweep(TimeSpan.FromMilliseconds(-1));
        Assert.Null(later);

        _inbox.Arrived(Node, 2, Buffer(10, 4), 0, routes: 1);
        Assert.Equal(4, later!.Value.Buffer!.Span[0]);
        later.Value.Buffer.Release();
    }

    [Fact]
    public void A_node_that_leaves_loses_what_it_sent_and_what_its_envelopes_wait_for()
    {
        _inbox.Arrived(Node, 1, Buffer(10, 1), 0, routes: 1);
        LaneClaim? later = null;
        _inbox.Claim(Node, 2, claim => later = claim);

        _inbox.Forget(Node);

        Assert.Null(later!.Value.Buffer);
        Assert.Equal(_pool.Rented, _pool.Returned);
    }

    [Fact]
    public void A_buffer_is_given_back_exactly_once_however_its_holders_let_go()
    {
        var buffer = Buffer(64, 0);
        var leases = new[] { new TopicLease(buffer, null), null!, null! };
        buffer.AddReference();
        leases[1] = new TopicLease(buffer, null);
        buffer.AddReference();
        leases[2] = new TopicLease(buffer, null);

        Parallel.ForEach(Enumerable.Range(0, 30), i => leases[i % 3].Dispose());

        Assert.Equal(1, _pool.Returned);
        Assert.All(leases, lease => Assert.True(lease.IsDisposed));
        Assert.False(buffer.TryAddReference());
        Assert.Throws<InvalidOperationException>(buffer.Release);
    }
}
