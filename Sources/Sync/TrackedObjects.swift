public import KubeClient
public import MoorCore

/// Finds the live objects an application tracks: every listable resource is listed (in
/// parallel) with the managed-by label selector, and objects whose tracking id names the
/// application and describes the object itself are kept.
public enum TrackedObjects {
    /// The application's tracked live objects.
    public static func list(client: some KubernetesAPI, application: String) async throws(KubeAPIError) -> [JSONValue] {
        let resources = try await client.listableResources()
        let options = ListOptions(labelSelector: TrackingID.managedBySelector)
        do {
            return try await withThrowingTaskGroup(of: [JSONValue].self) { group in
                for resource in resources {
                    group.addTask {
                        do {
                            return try await client.listAll(resource, namespace: nil, options: options).items
                        } catch let error as KubeAPIError where leavesOut(error) {
                            return []
                        }
                    }
                }
                var result: [JSONValue] = []
                for try await items in group {
                    for object in items {
                        guard let id = TrackingID(object: object), id.application == application, id.matches(object)
                        else { continue }
                        result.append(object)
                    }
                }
                return result
            }
        } catch let error as KubeAPIError {
            throw error
        } catch {
            throw KubeAPIError(code: .transport, status: 0, message: "\(error)")
        }
    }

    /// Whether listing a resource type that failed with `error` counts as finding none of the
    /// application's objects: the type was removed since discovery, or this user may not list it.
    public static func leavesOut(_ error: KubeAPIError) -> Bool {
        error.code == .notFound || error.code == .methodNotAllowed || error.code == .forbidden
    }
}
