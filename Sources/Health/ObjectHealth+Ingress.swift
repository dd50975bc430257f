extension ObjectHealth {
    /// Ingress (`networking.k8s.io`, `extensions`): progressing until its controller publishes an entry in
    /// `status.loadBalancer.ingress`, then healthy.
    static func ingress(_ ingress: LiveObject) -> ObjectHealth {
        loadBalancerHealth(ingress)
    }
}
