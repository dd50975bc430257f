public import ServiceLifecycle

extension ApplicationController: Service {
    /// Runs until graceful shutdown or cancellation (the controller works from ``start()`` and the
    /// registrations on), then stops: reconciles in flight get ``Configuration/gracePeriod`` to finish
    /// (``stop(gracePeriod:)``).
    public func run() async {
        try? await gracefulShutdown()
        logger.info("stopping", metadata: ["gracePeriod": "\(configuration.gracePeriod)"])
        await stop(gracePeriod: configuration.gracePeriod)
    }
}
