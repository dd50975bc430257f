internal import KubeClient
internal import Logging
internal import MoorCore

extension KubeClient {
    /// The objects of `resource` in `namespace`, as a catalog of configuration resources (AppProjects,
    /// Providers, Alerts) reads them: none when the kind is not served or may not be listed; `nil` when they
    /// cannot be read now, logged as `what` ("the AppProjects") kept as last read.
    func listConfiguration(_ resource: APIResource, namespace: String, what: String, logger: Logger) async
        -> [JSONValue]?
    {
        do {
            return try await listAll(resource, namespace: namespace).items
        } catch  where [.notFound, .unknownKind, .forbidden].contains(error.code) {
            return []
        } catch {
            logger.warning(
                "cannot read \(what); keeping the last ones",
                metadata: ["resource": "\(resource)", "namespace": "\(namespace)", "error": "\(error)"])
            return nil
        }
    }
}
