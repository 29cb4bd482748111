/// Facts about this build of interven-sim that its outputs record.
public enum ToolInfo {
    /// The version `interven-sim --version` prints and baseline files record.
    public static let version = "0.1.0"
}
