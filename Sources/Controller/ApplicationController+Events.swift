internal import Foundation
internal import KubeClient
internal import MoorCore

extension ApplicationController {
    /// Why the controller records a Kubernetes Event about an application.
    enum EventReason: String {
        /// A sync began.
        case syncStarted = "SyncStarted"
        /// A sync ended with every object applied.
        case syncSucceeded = "SyncSucceeded"
        /// A sync ended with a failure.
        case syncFailed = "SyncFailed"
        /// Objects changed in the cluster while Git stayed the same.
        case driftDetected = "DriftDetected"

        /// `Warning` for what needs attention, `Normal` otherwise.
        var type: String {
            switch self {
            case .syncFailed, .driftDetected: "Warning"
            case .syncStarted, .syncSucceeded: "Normal"
            }
        }
    }

    /// A `v1` Event about the Application resource `ref` (with `uid` when known), reported by `component`
    /// at `date`.
    static func event(
        about ref: ObjectRef, uid: String, _ reason: EventReason, _ message: String, component: String, at date: Date
    ) -> JSONValue {
        let now = JSONValue.string(ApplicationStatus.timestamp(date))
        let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        var involved: JSONValue = [
            "apiVersion": .string(ref.apiVersion), "kind": .string(ref.kind), "namespace": .string(ref.namespace),
            "name": .string(ref.name),
        ]
        if !uid.isEmpty { involved["uid"] = .string(uid) }
        return [
            "apiVersion": "v1", "kind": "Event",
            "metadata": ["name": .string("\(ref.name.prefix(200)).\(suffix)"), "namespace": .string(ref.namespace)],
            "involvedObject": involved, "reason": .string(reason.rawValue),
            "message": .string(String(message.prefix(1024))), "type": .string(reason.type),
            "source": ["component": .string(component)], "reportingComponent": .string(component),
            "firstTimestamp": now, "lastTimestamp": now, "count": 1,
        ]
    }

    /// Creates a `v1` Event about the Application resource of `name` (none for a file-sourced
    /// application), and hands the same event to the notifier (``notify(_:_:_:fetched:)``; with `fetched`'s
    /// revision and commit when given). A failure to create it is logged, never fails the reconcile.
    func recordEvent(_ name: String, _ reason: EventReason, _ message: String, fetched: SourceFetcher.Fetched? = nil)
        async
    {
        notify(name, reason.notification, message, fetched: fetched)
        guard let managed = registry[name], case .resource(let ref) = managed.origin else { return }
        let event = Self.event(
            about: ref, uid: managed.resourceUID, reason, message, component: "moor-controller", at: clock.date)
        do {
            _ = try await client.create(event)
        } catch {
            logger.warning(
                "recording an event failed",
                metadata: ["application": "\(name)", "reason": "\(reason.rawValue)", "error": "\(error)"])
        }
    }
}
