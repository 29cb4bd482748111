public import IntervenCore

/// A tool operation the built-in catalogue knows: its verb, destination and whether the
/// destination is outside the tenant.
public struct CatalogueOperation: Sendable, Equatable {
    /// Tool name as the gateway reports it (`github`).
    public let tool: String
    /// Operation name (`create_pr`).
    public let operation: String
    /// Coarse category.
    public let verb: Verb
    /// Destination host.
    public let host: String
    /// Whether the destination is external by default.
    public let external: Bool

    /// The destination URL the operation calls.
    public var url: String { "https://\(host)/\(tool)/\(operation)" }
}

/// The built-in catalogue of realistic tools and operations (from the product's tool list), so
/// a scenario can say `github.create_pr` and get a sensible verb, host and URL.
public enum ToolCatalogue {
    /// Every operation, in a fixed order.
    public static let operations: [CatalogueOperation] = {
        let rows: [(String, String, Verb, String, Bool)] = [
            ("github", "list_prs", .read, "api.github.com", false), ("github", "get_contents", .read, "api.github.com", false),
            ("github", "create_pr", .write, "api.github.com", false), ("github", "merge_pr", .write, "api.github.com", false),
            ("github", "create_issue", .write, "api.github.com", false), ("github", "add_collaborator", .admin, "api.github.com", true),
            ("gitlab", "list_mrs", .read, "gitlab.com", false), ("gitlab", "create_mr", .write, "gitlab.com", false),
            ("gitlab", "merge_mr", .write, "gitlab.com", false), ("gitlab", "add_member", .admin, "gitlab.com", true),
            ("linear", "list_issues", .read, "api.linear.app", false), ("linear", "create_issue", .write, "api.linear.app", false),
            ("jira", "create_issue", .write, "acme.atlassian.net", false), ("jira", "transition_issue", .write, "acme.atlassian.net", false),
            ("jira", "add_comment", .write, "acme.atlassian.net", false),
            ("datadog", "post_event", .write, "api.datadoghq.com", false), ("datadog", "mute_monitor", .admin, "api.datadoghq.com", false),
            ("pagerduty", "create_incident", .write, "api.pagerduty.com", false), ("pagerduty", "resolve", .write, "api.pagerduty.com", false),
            ("slack", "post_message", .write, "slack.com", false), ("slack", "upload_file", .write, "slack.com", false),
            ("slack", "invite_user", .admin, "slack.com", true),
            ("teams", "send_message", .write, "graph.microsoft.com", false),
            ("sendgrid", "send_email", .write, "api.sendgrid.com", true), ("twilio", "send_sms", .write, "api.twilio.com", true),
            ("salesforce", "query", .read, "acme.my.salesforce.com", false),
            ("salesforce", "export_contacts", .read, "acme.my.salesforce.com", false),
            ("salesforce", "update_record", .write, "acme.my.salesforce.com", false),
            ("salesforce", "delete_record", .admin, "acme.my.salesforce.com", false),
            ("hubspot", "search", .read, "api.hubapi.com", false), ("hubspot", "create_contact", .write, "api.hubapi.com", false),
            ("zendesk", "update_ticket", .write, "acme.zendesk.com", false), ("intercom", "reply", .write, "api.intercom.io", true),
            ("gdrive", "upload", .write, "www.googleapis.com", false), ("gdrive", "share_file", .write, "www.googleapis.com", false),
            ("gdrive", "share_file_external", .write, "www.googleapis.com", true),
            ("gdrive", "create_permission", .admin, "www.googleapis.com", false),
            ("notion", "search", .read, "api.notion.com", false), ("notion", "create_page", .write, "api.notion.com", false),
            ("confluence", "create_page", .write, "acme.atlassian.net", false),
            ("dropbox", "upload", .write, "api.dropboxapi.com", false), ("dropbox", "share", .write, "api.dropboxapi.com", true),
            ("aws", "s3_get_object", .read, "s3.amazonaws.com", false), ("aws", "s3_put_object", .write, "s3.amazonaws.com", false),
            ("aws", "create_user", .admin, "iam.amazonaws.com", false), ("aws", "create_role", .admin, "iam.amazonaws.com", false),
            ("aws", "attach_policy", .admin, "iam.amazonaws.com", false),
            ("aws", "terminate_instance", .admin, "ec2.amazonaws.com", false),
            ("supabase", "insert", .write, "acme.supabase.co", false), ("supabase", "delete", .admin, "acme.supabase.co", false),
            ("cloudflare", "purge_cache", .write, "api.cloudflare.com", false), ("vercel", "create_deployment", .write, "api.vercel.com", false),
            ("openai", "create_completion", .write, "api.openai.com", true), ("anthropic", "create_message", .write, "api.anthropic.com", true),
            ("stripe", "create_charge", .write, "api.stripe.com", true), ("stripe", "create_refund", .write, "api.stripe.com", true),
            ("workday", "update_position", .write, "acme.workday.com", false),
            ("custom_proxy", "transfer_funds", .write, "payments.example", true),
            ("custom_proxy", "create_disbursement", .write, "payments.example", true),
            ("mcp", "tools_call", .write, "mcp.internal", false),
        ]
        return rows.map { CatalogueOperation(tool: $0.0, operation: $0.1, verb: $0.2, host: $0.3, external: $0.4) }
    }()

    private static let byName: [String: CatalogueOperation] = Dictionary(
        operations.map { ("\($0.tool).\($0.operation)", $0) }, uniquingKeysWith: { a, _ in a })

    /// The operation named `tool.operation`, if the catalogue has it.
    public static func operation(_ qualified: String) -> CatalogueOperation? { byName[qualified] }

    /// Every `tool.operation` name, in catalogue order (for "did you mean" suggestions).
    public static var names: [String] { operations.map { "\($0.tool).\($0.operation)" } }
}
