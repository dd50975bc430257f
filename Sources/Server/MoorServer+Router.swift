import Controller
import Hummingbird

extension MoorServer {
    /// Every route of a controller's server, in one place: probes and metrics (``MetricsRoutes``),
    /// webhooks (``WebhookRoutes``), the web UI (``StaticFiles``) and the API (``APIRoutes``).
    func makeRouter(controller: ApplicationController, access: AccessControl) throws -> Router<MoorRequestContext> {
        let secrets: WebhookSecrets
        do {
            secrets = try (configuration.webhookSecretsFile.map(WebhookSecrets.load(path:)) ?? .none)
                .allowingUnsigned(configuration.webhookAllowUnsigned)
        } catch {
            throw ServerConfigurationError("\(error)")
        }
        let router = Router(context: MoorRequestContext.self)
        let previews = PreviewStore()
        MetricsRoutes(controller: controller).add(to: router)
        WebhookRoutes(
            receiver: WebhookReceiver(controller: controller, secrets: secrets, previews: previews, logger: logger),
            bodyTimeout: configuration.bodyTimeout
        ).add(to: router)
        try StaticFiles.register(on: router)
        APIRoutes(
            controller: controller, access: access, keepAliveInterval: configuration.keepAliveInterval,
            bodyTimeout: configuration.bodyTimeout, logger: logger, previews: previews
        ).add(to: router)
        return router
    }
}
