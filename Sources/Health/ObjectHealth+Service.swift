extension ObjectHealth {
    /// Service: a `LoadBalancer` is progressing until `status.loadBalancer.ingress` lists an entry (Argo CD
    /// accepts any entry, even one without `ip` or `hostname`); every other type is healthy once created.
    static func service(_ service: LiveObject) -> ObjectHealth {
        guard service.string("spec", "type") == "LoadBalancer" else {
            return .healthy("")
        }
        return loadBalancerHealth(service)
    }

    /// Healthy when `status.loadBalancer.ingress` is not empty, else progressing; shared with Ingress.
    static func loadBalancerHealth(_ object: LiveObject) -> ObjectHealth {
        let ingress = object.array("status", "loadBalancer", "ingress")
        if ingress.isEmpty {
            return .progressing("Waiting for a load balancer address")
        }
        let addresses = ingress.compactMap { $0["ip"]?.stringValue ?? $0["hostname"]?.stringValue }
        return .healthy(addresses.joined(separator: ", "))
    }
}
