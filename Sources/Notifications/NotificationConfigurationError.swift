/// Why a Provider or Alert cannot be used; the message names the resource and the field and says what
/// to change. Free of secret values.
public struct NotificationConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong and what to do.
    public let message: String

    /// An error saying `message`.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
