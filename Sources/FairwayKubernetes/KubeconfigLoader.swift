import FairwayLive
import Foundation

/// Finds, reads, merges and resolves kubeconfig files the way kubectl does: explicit paths, else
/// the `KUBECONFIG` list (`:`-separated; empty entries and missing files skipped), else
/// `~/.kube/config`; merged first-wins; the chosen context resolved to a `KubernetesConnection`.
public enum KubeconfigLoader {
    /// The files to read. Explicit `paths` are returned as given (each must exist); from the
    /// environment, only files that exist, without repeats.
    public static func files(paths: [String]? = nil, environment: [String: String]) -> [String] {
        if let paths { return paths }
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            var seen = Set<String>()
            return list.split(separator: ":").map(String.init)
                .filter { !$0.isEmpty && FileIO.exists($0) && seen.insert($0).inserted }
        }
        guard let home = environment["HOME"], !home.isEmpty else { return [] }
        let path = "\(home)/.kube/config"
        return FileIO.exists(path) ? [path] : []
    }

    /// The merged configuration of `files(paths:environment:)`.
    public static func read(paths: [String]? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws(KubeconfigError) -> Kubeconfig {
        let files = files(paths: paths, environment: environment)
        guard !files.isEmpty else {
            let looked = environment["KUBECONFIG"].map { "KUBECONFIG=\($0)" } ?? "~/.kube/config"
            throw KubeconfigError(.noConfiguration, "no kubeconfig file found (looked at \(looked))")
        }
        var configs: [Kubeconfig] = []
        for file in files {
            let bytes: [UInt8]
            do { bytes = try FileIO.readAll(file) } catch {
                throw KubeconfigError(.unreadable, "cannot read kubeconfig: \(error.message)", file: file)
            }
            configs.append(try Kubeconfig.parse(bytes, path: file))
        }
        return Kubeconfig.merged(configs)
    }

    /// The connection kubectl would use: `context` or the current context of the merged files.
    ///
    /// - Parameters:
    ///   - environment: where KUBECONFIG and HOME are read, and what exec plugins inherit.
    ///   - execOverride: given a user's exec plugin, a native token provider to use instead of
    ///     running it, or nil to run it (e.g. recognise `aws eks get-token --cluster-name X`).
    public static func load(paths: [String]? = nil, context: String? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            execOverride: (@Sendable (ExecConfig) -> (any KubernetesTokenProvider)?)? = nil)
        throws(KubeconfigError) -> KubernetesConnection
    {
        try read(paths: paths, environment: environment)
            .connection(context: context, environment: environment, execOverride: execOverride)
    }
}
