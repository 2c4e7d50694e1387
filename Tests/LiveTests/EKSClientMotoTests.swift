import FairwayAWS
import FairwayAgent
import FairwayCore
import FairwayLive
import FairwayPipeline
import Foundation
import Testing

/// The EKS client against moto_server, with node groups rendered from the platform template:
/// create a cluster (a request signed by our signer), create, list (paginated), describe, update
/// and delete node groups, read the cluster's endpoint and CA, and the errors for unknown clusters
/// and for DescribeUpdate, which moto does not implement.
@Suite(.serialized) struct EKSClientMotoTests {
    static let credentials = StaticAWSCredentialsProvider(AWSCredentials(accessKeyId: "AKIDMOTOEXAMPLE", secretAccessKey: "moto-secret-key"))

    /// The node groups the template renders (one, `gpu-h100-mig` in cluster `ml-platform`).
    static func templateNodeGroups() throws -> [NodeGroup] {
        try #require(try Pipeline().evaluate(path: Paths.template.path).desired).nodeGroups
    }

    static func createCluster(_ eks: EKSClient, _ name: String) async throws {
        let cluster = try await eks.call("POST", ["clusters"], body: [
            "name": .string(name), "roleArn": "arn:aws:iam::111122223333:role/eks-cluster",
            "resourcesVpcConfig": ["subnetIds": ["subnet-0a1b2c3d4e5f60701"]],
        ], operation: "CreateCluster")
        #expect(cluster["cluster"]?["name"] == .string(name))
    }

    /// `group` under another name, as a second rendered node pool would be.
    static func renamed(_ group: NodeGroup, _ name: String) -> NodeGroup {
        var copy = group
        copy.name = name
        if case var .object(create) = copy.create {
            create["nodegroupName"] = .string(name)
            copy.create = .object(create)
        }
        return copy
    }

    @Test func nodeGroupLifecycle() async throws {
        let groups = try Self.templateNodeGroups()
        let group = try #require(groups.first)
        let clusterName = try #require(group.create["clusterName"]?.stringValue)
        _ = try await PythonServer.withMoto { moto in
            try await EKSClient.with(region: "us-east-1", endpoint: moto.url, credentials: Self.credentials) { eks in
                try await Self.createCluster(eks, clusterName)

                let created = try await eks.createNodegroup(group)
                #expect(created["nodegroupName"] == .string(group.name))
                #expect(created["clusterName"] == .string(clusterName))
                for name in ["cpu-a", "cpu-b"] { _ = try await eks.createNodegroup(Self.renamed(group, name)) }

                let listed = try await eks.listNodegroups(cluster: clusterName, pageSize: 2)
                #expect(listed.sorted() == ["cpu-a", "cpu-b", group.name].sorted())

                let described = try await eks.describeNodegroup(cluster: clusterName, nodegroup: group.name)
                for field in ["scalingConfig", "instanceTypes", "amiType", "labels", "taints", "capacityType", "subnets", "nodeRole"] {
                    #expect(described[field] == group.create[field], "\(field)")
                }
                #expect(described["tags"]?["app.kubernetes.io/managed-by"] == "fairway")

                var update = group.updateConfig
                if case var .object(members) = update {
                    members["scalingConfig"] = ["minSize": 1, "maxSize": 4, "desiredSize": 2]
                    update = .object(members)
                }
                let change = try await eks.updateNodegroupConfig(cluster: clusterName, nodegroup: group.name, request: update)
                let updateId = try #require(change["id"]?.stringValue)
                #expect(change["type"] == "ConfigUpdate")
                let rescaled = try await eks.describeNodegroup(cluster: clusterName, nodegroup: group.name)
                #expect(rescaled["scalingConfig"] == ["minSize": 1, "maxSize": 4, "desiredSize": 2])

                // moto has no DescribeUpdate: the client says so instead of failing obscurely.
                do {
                    let followed = try await eks.describeUpdate(cluster: clusterName, updateId: updateId, nodegroup: group.name)
                    #expect(followed["id"] == .string(updateId))
                } catch let error as AWSError {
                    #expect(error.kind == .unsupported, "\(error)")
                    #expect(error.description.contains("does not implement DescribeUpdate"), "\(error)")
                }

                let deleted = try await eks.deleteNodegroup(cluster: clusterName, nodegroup: "cpu-b")
                #expect(deleted["nodegroupName"] == "cpu-b")
                let remaining = try await eks.listNodegroups(cluster: clusterName)
                #expect(remaining.sorted() == ["cpu-a", group.name].sorted())

                let cluster = try await eks.describeCluster(clusterName)
                #expect(cluster.name == clusterName)
                #expect(cluster.endpoint?.hasPrefix("https://") == true)
                #expect(cluster.certificateAuthorityData?.isEmpty == false)
                #expect(cluster.status == "ACTIVE")
            }
        }
    }

    @Test func unknownClusterIsAClearNotFoundError() async throws {
        _ = try await PythonServer.withMoto { moto in
            try await EKSClient.with(region: "us-east-1", endpoint: moto.url, credentials: Self.credentials) { eks in
                let error = try await #require(throws: AWSError.self) { try await eks.describeNodegroup(cluster: "no-such-cluster", nodegroup: "gpu") }
                #expect(error.kind == .service)
                #expect(error.code == "ResourceNotFoundException")
                #expect(error.status == 404)
                #expect(error.isNotFound)
                #expect(error.requestId?.isEmpty == false)
                #expect(error.label == "aws.service.ResourceNotFoundException")
                #expect(error.attempts == 1, "a 404 is not retried")
                let text = error.description
                #expect(text.contains("DescribeNodegroup at \(moto.url.origin): ResourceNotFoundException: No cluster found for name: no-such-cluster"),
                        "\(text)")
                #expect(!text.contains("moto-secret-key"))
                await #expect(throws: AWSError.self) { try await eks.listNodegroups(cluster: "no-such-cluster") }
            }
        }
    }
}
