extension KindSchemas {
    static let rayHead = ObjectSchema("The Ray head pod.", [
        Field("cpu", .quantity, required: true, "CPU request and limit."),
        Field("memory", .quantity, required: true, "Memory request and limit."),
        Field("rayStartParams", .map(.text), "Extra `ray start` parameters: strings, numbers or booleans (values become strings)."),
    ])

    static let rayWorkerGroup = ObjectSchema("A group of Ray workers.", [
        Field("name", .dnsLabel, required: true, "Group name."),
        Field("replicas", .count, required: true, "Replicas at start."),
        Field("minReplicas", .count, "Fewest replicas when autoscaling; default replicas."),
        Field("maxReplicas", .count, "Most replicas when autoscaling; default replicas."),
        Field("resources", .object(ObjectSchema("Per-worker resources.", exclusive: [["gpu", "mig"]], [
            Field("cpu", .quantity, required: true, "CPU."),
            Field("memory", .quantity, required: true, "Memory."),
            Field("gpu", .gpusPerPod, "Whole (or time-sliced) GPUs per worker."),
            Field("mig", .object(ObjectSchema("MIG devices per worker.", [
                Field("profile", .text, required: true, "MIG profile, for example `1g.10gb`."),
                Field("count", .integer(min: 1, max: 56), "Devices per worker; default 1."),
            ])), "MIG devices."),
        ])), required: true, "Resources."),
    ])

    static func rayWorkload(_ doc: String, extra: [Field]) -> ObjectSchema {
        ObjectSchema(doc, [
            Field("namespace", .dnsLabel, "Tenant namespace; default the tenant's primary."),
            Field("gpuClass", .dnsLabel, "GPU class of the workers' GPUs."),
            Field("priorityClass", .dnsLabel, "Priority class; default the tenant's."),
            Field("rayVersion", .text, required: true, "Ray version (`2.46.0`)."),
            Field("image", .string(.imageRef), required: true, "Ray image with a pinned tag."),
            Field("head", .object(rayHead), required: true, "Head."),
            Field("workerGroups", .list(.object(rayWorkerGroup)), "Worker groups (at most 17)."),
            Field("autoscaling", .object(ObjectSchema("Ray autoscaler.", [
                Field("enabled", .boolean, required: true, "Enable the in-tree autoscaler."),
                Field("idleTimeoutSeconds", .count, "Scale idle workers down after this long."),
            ])), "Autoscaling."),
            Field("securityContext", .object(ObjectSchema("The user and groups Ray's processes run as (never root).", [
                Field("runAsUser", .integer(min: 1, max: Int64(Int32.max)), "User id; default 1000, the `ray` user of Ray's images."),
                Field("runAsGroup", .integer(min: 0, max: Int64(Int32.max)), "Group id; default 100, as in Ray's images."),
                Field("fsGroup", .integer(min: 0, max: Int64(Int32.max)), "Group that owns mounted volumes; default 100."),
            ])), "Ids for images whose Ray runs as another user; every Ray pod also drops all capabilities, forbids privilege escalation and uses the runtime's default seccomp profile."),
        ] + extra)
    }

    static let rayJob = rayWorkload("A Ray job run to completion.", extra: [
        Field("job", .object(ObjectSchema("The job.", [
            Field("entrypoint", .text, required: true, "Command the job runs."),
            Field("runtimeEnv", .map(.any),
                  "Ray runtime environment: a mapping (`pip`, `env_vars`, `working_dir`, ...), as Ray's RuntimeEnv is a dict."),
            Field("activeDeadlineSeconds", .count, "Fail the job after this long."),
            Field("ttlSecondsAfterFinished", .count, "Delete the cluster this long after the job ends."),
        ])), required: true, "Job settings."),
    ])

    static let rayCluster = rayWorkload("A long-running Ray cluster.", extra: [])

    static let rayService = rayWorkload("A Ray Serve deployment.", extra: [
        Field("serve", .object(ObjectSchema("Ray Serve.", [
            Field("config", .any, required: true, "Serve config (applications)."),
        ])), required: true, "Serve settings."),
    ])

    static let notebookCatalog = ObjectSchema("JupyterHub images and notebook profiles.", [
        Field("images", .list(.object(ObjectSchema("A notebook image.", [
            Field("name", .dnsLabel, required: true, "Short name profiles refer to."),
            Field("ref", .string(.imageRef), required: true, "Image reference with a pinned tag, never `latest`."),
            Field("rayVersion", .text,
                  "Ray installed in the image (for example `2.52.0`): Ray Client needs the same Ray version as the cluster it connects to, so it is checked against the tenant's Ray workloads."),
            Field("pythonVersion", .text, "Python of the image (for example `3.12`), shown beside the Ray version."),
        ])), minItems: 1), required: true, "Images."),
        Field("defaults", .object(ObjectSchema("Server defaults.", [
            Field("startTimeout", .positiveDuration, "How long a server may take to start."),
            Field("storage", .quantity, "Home volume size."),
            Field("storageClass", .text, "StorageClass of home volumes; default the cluster's default class."),
            Field("teamVolume", .object(ObjectSchema("A volume shared by all of a tenant's notebook servers.", [
                Field("size", .quantity, required: true, "Size of each tenant's team volume."),
                Field("storageClass", .text, "StorageClass; it must support the access mode (for example EFS for ReadWriteMany)."),
                Field("mountPath", .text, "Where servers mount it; default `/home/jovyan/team`."),
                Field("accessMode", .enumeration(["ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"]), "Default ReadWriteMany."),
            ])), "One PersistentVolumeClaim `team-volume` per tenant notebook namespace, mounted by every profile that does not opt out."),
            Field("cull", .object(ObjectSchema("Idle culling.", [
                Field("enabled", .boolean, required: true, "Cull idle servers."),
                Field("timeout", .positiveDuration, "Idle time before culling."),
            ])), "Culling."),
        ])), "Defaults."),
        Field("profiles", .list(.object(ObjectSchema("A notebook profile.", [
            Field("name", .dnsLabel, required: true, "Profile name tenants refer to."),
            Field("displayName", .text, "Name shown in the spawner."),
            Field("images", .list(.dnsLabel, minItems: 1), "Images offered (names from `images`)."),
            Field("resources", .object(ObjectSchema("CPU and memory.", [
                Field("cpu", .object(guaranteeLimit), "CPU."),
                Field("memory", .object(guaranteeLimit), "Memory."),
            ])), "Resources."),
            Field("gpu", .object(ObjectSchema("GPUs.", [
                Field("class", .dnsLabel, required: true, "GPU class."),
                Field("count", .integer(min: 1, max: 8), "GPUs (or MIG devices); default 1."),
                Field("mig", .text, "MIG profile, for example `1g.10gb`."),
            ])), "GPUs."),
            Field("nodepool", .dnsLabel, "Node pool the server runs on."),
            Field("default", .boolean, "The profile selected by default (exactly one)."),
            Field("storage", .object(ObjectSchema("This profile's home volume.", [
                Field("size", .quantity, "Size; default `defaults.storage`."),
                Field("storageClass", .text, "StorageClass; default `defaults.storageClass`."),
            ])), "Home volume of servers started with this profile (a user's volume is created at the first start)."),
            Field("teamVolume", .boolean, "False: servers of this profile do not mount the team volume."),
        ])), minItems: 1), required: true, "Profiles."),
    ])

    static let guaranteeLimit = ObjectSchema("A guarantee and a limit.", [
        Field("guarantee", .quantity, "Request."),
        Field("limit", .quantity, "Limit."),
    ])
}
