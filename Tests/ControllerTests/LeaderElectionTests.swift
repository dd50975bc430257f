import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import Testing

@testable import Controller

@Suite("Leader election")
struct LeaderElectionTests {
    static let start = ContinuousClock.now

    @Test("a lease held by another is taken only after it went unrenewed for its whole duration, by our clock")
    func decisions() {
        var election = LeaseElection(identity: "a")
        #expect(election.decide(at: Self.start) == .take(transition: true), "no lease yet: create it")
        let theirs = LeaseRecord(holder: "b", durationSeconds: 10, transitions: 1, resourceVersion: "5")
        election.observe(theirs, at: Self.start)
        #expect(election.decide(at: Self.start + .seconds(9)) == .wait)
        election.observe(theirs, at: Self.start + .seconds(9))
        #expect(election.decide(at: Self.start + .seconds(10)) == .take(transition: true), "unchanged for 10 s")
        var renewed = theirs
        renewed.resourceVersion = "6"
        election.observe(renewed, at: Self.start + .seconds(9))
        #expect(election.decide(at: Self.start + .seconds(18)) == .wait, "a renewal restarts the clock")
        election.observe(
            LeaseRecord(holder: "", durationSeconds: 1, transitions: 2, resourceVersion: "7"),
            at: Self.start + .seconds(18))
        #expect(election.decide(at: Self.start + .seconds(18)) == .take(transition: true), "a released lease")
        election.observe(
            LeaseRecord(holder: "a", durationSeconds: 10, transitions: 3, resourceVersion: "8"),
            at: Self.start + .seconds(18))
        #expect(election.decide(at: Self.start + .seconds(18)) == .take(transition: false), "our own: renew")
    }

    @Test("MicroTime has six fractional digits in UTC")
    func microTime() {
        #expect(
            LeaderElector.microTime(Date(timeIntervalSince1970: 1_700_000_000.123456)) == "2023-11-14T22:13:20.123456Z")
    }

    @Test(
        "two electors on a real Lease: one leads; a silent leader is replaced after the lease duration; release hands over at once"
    )
    func twoElectors() async throws {
        let cluster = try await TestCluster.shared()
        let client = try cluster.adminClient()
        do {
            try await cluster.withNamespace(client) { ns in
                let a = LeaderElector(
                    client: client, namespace: ns, name: "moor-controller", identity: "a",
                    leaseDuration: .seconds(2), retryPeriod: .milliseconds(200))
                let b = LeaderElector(
                    client: client, namespace: ns, name: "moor-controller", identity: "b",
                    leaseDuration: .seconds(2), retryPeriod: .milliseconds(200))
                #expect(await a.tryAcquireOrRenew())
                #expect(await !b.tryAcquireOrRenew())
                #expect(await a.tryAcquireOrRenew(), "the holder renews")
                // a goes silent; b takes over once the record has not changed for 2 s by b's clock.
                let tookOver = try await Patience.waitUntil(every: .milliseconds(200)) { await b.tryAcquireOrRenew() }
                #expect(tookOver)
                #expect(await !a.tryAcquireOrRenew(), "the old leader sees b's fresh lease")
                let lease = try await client.get(
                    ObjectRef(
                        group: "coordination.k8s.io", version: "v1", kind: "Lease",
                        namespace: ns, name: "moor-controller"))
                #expect(lease[path: "spec", "holderIdentity"] == "b")
                #expect(lease[path: "spec", "leaseTransitions"] == 1)
                await b.release()
                #expect(await a.tryAcquireOrRenew(), "a released lease is taken at once")
            }
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }

    @Test("run(whileLeading:) runs the work only while leading and releases the lease when cancelled")
    func runWhileLeading() async throws {
        let cluster = try await TestCluster.shared()
        let client = try cluster.adminClient()
        do {
            try await cluster.withNamespace(client) { ns in
                let elector = LeaderElector(
                    client: client, namespace: ns, name: "run", identity: "solo",
                    leaseDuration: .seconds(2), retryPeriod: .milliseconds(100))
                let started = Flag()
                let campaign = Task {
                    await elector.run {
                        await started.set()
                        try? await Task.sleep(for: .seconds(60))
                    }
                }
                #expect(try await Patience.waitUntil(every: .milliseconds(50)) { await started.value })
                campaign.cancel()
                await campaign.value
                let lease = try await client.get(
                    ObjectRef(
                        group: "coordination.k8s.io", version: "v1", kind: "Lease",
                        namespace: ns, name: "run"))
                #expect(lease[path: "spec", "holderIdentity"] == "")
            }
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }
}

/// A flag set from another task.
actor Flag {
    private(set) var value = false
    func set() { value = true }
}
