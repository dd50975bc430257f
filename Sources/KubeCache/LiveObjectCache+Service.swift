public import ServiceLifecycle

extension LiveObjectCache: Service {
    /// Serves until graceful shutdown or cancellation, then stops every informer (``stop()``). Listed
    /// before the controller in a `ServiceGroup`, it stops after the controller does.
    public func run() async {
        try? await gracefulShutdown()
        await stop()
    }
}
