import Foundation
public import Hummingbird
import Logging
import NIOCore

/// The OpenAPI document of the API (the repository's openapi.yaml, compiled in).
enum OpenAPIDocument {
    static let text = String(decoding: PackageResources.openapi_yaml, as: UTF8.self)
}

extension GatewayServer {
    /// The Hummingbird application: the router, the event-log writer as a service (shut down
    /// after the HTTP server, so in-flight scans still become durable), and `onRunning` with
    /// the bound port once listening.
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(router: router(),
                    configuration: .init(address: .hostname(options.host, port: options.port), serverName: nil),
                    services: [log],
                    onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
                    logger: logger)
    }
}
