import Testing

/// The end-to-end suites, each of which starts a cluster process, moto_server and helm: run one at a
/// time, so two of them never compete for the machine (or for ports) at once.
@Suite(.serialized, .enabled(if: Tools.installed("helm", "kubectl"), "needs helm and kubectl (bash scripts/setup)"),
       .enabled(if: Python.has("moto.server", "boto3"), "needs python3 with moto[server] and boto3 (bash scripts/setup)"))
enum LiveEndToEnd {}
