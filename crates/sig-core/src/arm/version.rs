//! `Microsoft.Compute/galleries/images/versions` — image versions (REST: GalleryRP `GalleryImageVersion`), including the
//! legacy 2018-06-01 `publishingProfile.source.managedImage.id` shape.

use super::{arm_object, IdRef, Tags};

arm_object! {
    /// An image version as ARM prints it.
    pub struct GalleryImageVersion {
        /// ARM id.
        pub id: String,
        /// `Major.Minor.Patch`.
        pub name: String,
        /// `Microsoft.Compute/galleries/images/versions`. The world sets it from a constant, not a copy per
        /// resource.
        #[serde(rename = "type")]
        pub resource_type: std::borrow::Cow<'static, str>,
        /// Source region.
        pub location: String,
        /// Tags (updatable).
        pub tags: Tags,
        /// The api-version the resource came with.
        pub api_version: String,
        /// Version properties.
        pub properties: GalleryImageVersionProperties,
    }
}

arm_object! {
    /// Image version `properties`.
    pub struct GalleryImageVersionProperties {
        /// Replication settings.
        pub publishing_profile: PublishingProfile,
        /// Sources and disks.
        pub storage_profile: StorageProfile,
        /// Deletion safety (2022-03-03+).
        pub safety_profile: SafetyProfile,
        /// UEFI settings (2023-07-03+).
        pub security_profile: serde_json::Value,
        /// Read-only replication status.
        pub replication_status: ReplicationStatus,
        /// Read-only provisioning state.
        pub provisioning_state: String,
        /// Soft-delete restore request (2024-03-03+).
        pub restore: bool,
        /// Read-only validation results (2024-03-03+).
        pub validations_profile: serde_json::Value,
    }
}

arm_object! {
    /// `properties.publishingProfile`.
    pub struct PublishingProfile {
        /// Target regions (updatable).
        #[serde(deserialize_with = "super::tight_list")]
        pub target_regions: Vec<TargetRegion>,
        /// Default replicas per region (updatable).
        pub replica_count: i64,
        /// Hide from `latest` (updatable).
        pub exclude_from_latest: bool,
        /// Read-only.
        pub published_date: String,
        /// ISO 8601 end of life (updatable).
        pub end_of_life_date: String,
        /// Default storage type per region (not updatable; 2019-03-01+).
        pub storage_account_type: String,
        /// Full | Shallow (not updatable; 2021-07-01+).
        pub replication_mode: String,
        /// Edge zones (2022-01-03+).
        pub target_extended_locations: Vec<TargetExtendedLocation>,
        /// Legacy 2018-06-01 source: `{ "managedImage": { "id": ... } }`.
        pub source: LegacySource,
    }
}

arm_object! {
    /// Legacy `publishingProfile.source`.
    pub struct LegacySource {
        /// The managed image.
        pub managed_image: IdRef,
    }
}

arm_object! {
    /// One `targetRegions[]` entry.
    pub struct TargetRegion {
        /// Region name (required).
        pub name: String,
        /// Replicas in this region (updatable).
        pub regional_replica_count: i64,
        /// Storage type in this region (not updatable).
        pub storage_account_type: String,
        /// Customer-managed key encryption.
        pub encryption: EncryptionImages,
        /// Region-level `latest` flag; overrides the version's own.
        pub exclude_from_latest: bool,
        /// 2024-03-03+ further replicas of another storage type (e.g. PremiumV2_LRS for direct
        /// drive), counted with the region's own toward its replica limit.
        pub additional_replica_sets: Vec<AdditionalReplicaSet>,
    }
}

arm_object! {
    /// One `additionalReplicaSets[]` entry of a target region.
    pub struct AdditionalReplicaSet {
        /// Storage type of these replicas.
        pub storage_account_type: String,
        /// How many.
        pub regional_replica_count: i64,
    }
}

arm_object! {
    /// `encryption` of a target region.
    pub struct EncryptionImages {
        /// OS disk encryption.
        pub os_disk_image: serde_json::Value,
        /// Per-LUN data disk encryption.
        pub data_disk_images: Vec<DataDiskImageEncryption>,
    }
}

arm_object! {
    /// Data disk encryption entry.
    pub struct DataDiskImageEncryption {
        /// LUN (required).
        pub lun: i64,
        /// Disk encryption set id.
        pub disk_encryption_set_id: String,
    }
}

arm_object! {
    /// One `targetExtendedLocations[]` entry.
    pub struct TargetExtendedLocation {
        /// Region.
        pub name: String,
        /// Edge zone.
        pub extended_location: serde_json::Value,
        /// Replicas.
        pub extended_location_replica_count: i64,
        /// Storage type.
        pub storage_account_type: String,
        /// Encryption.
        pub encryption: serde_json::Value,
    }
}

arm_object! {
    /// `properties.storageProfile`.
    pub struct StorageProfile {
        /// Whole-image source (managed image, VM, another version).
        pub source: ImageSource,
        /// OS disk.
        pub os_disk_image: DiskImage,
        /// Data disks.
        pub data_disk_images: Vec<DataDiskImage>,
    }
}

arm_object! {
    /// `storageProfile.source`.
    pub struct ImageSource {
        /// Managed image, VM (legacy) or gallery image version id.
        pub id: String,
        /// Community gallery image.
        pub community_gallery_image_id: String,
        /// VM id (2023-07-03+).
        pub virtual_machine_id: String,
    }
}

arm_object! {
    /// `storageProfile.osDiskImage`.
    pub struct DiskImage {
        /// Read-only size.
        #[serde(rename = "sizeInGB")]
        pub size_in_gb: i64,
        /// None | ReadOnly | ReadWrite.
        pub host_caching: String,
        /// Disk-level source.
        pub source: DiskImageSource,
    }
}

arm_object! {
    /// `storageProfile.dataDiskImages[]`.
    pub struct DataDiskImage {
        /// LUN (required).
        pub lun: i64,
        /// Read-only size.
        #[serde(rename = "sizeInGB")]
        pub size_in_gb: i64,
        /// None | ReadOnly | ReadWrite.
        pub host_caching: String,
        /// Disk-level source.
        pub source: DiskImageSource,
    }
}

arm_object! {
    /// A disk-level source: snapshot / managed disk id, or a VHD uri (+ storage account).
    pub struct DiskImageSource {
        /// Snapshot or managed disk id.
        pub id: String,
        /// VHD blob uri (2020-09-30+).
        pub uri: String,
        /// Storage account of the VHD (2022-03-03+).
        pub storage_account_id: String,
    }
}

arm_object! {
    /// `properties.safetyProfile`.
    pub struct SafetyProfile {
        /// Protect replicated regions from removal.
        pub allow_deletion_of_replicated_locations: bool,
        /// Read-only.
        pub reported_for_policy_violation: bool,
        /// Read-only.
        pub policy_violations: Vec<serde_json::Value>,
        /// 2024-03-03+.
        pub block_deletion_before_end_of_life: bool,
    }
}

arm_object! {
    /// Read-only `properties.replicationStatus`.
    pub struct ReplicationStatus {
        /// Unknown | InProgress | Completed | Failed.
        pub aggregated_state: String,
        /// Per-region state.
        pub summary: Vec<RegionalReplicationStatus>,
    }
}

arm_object! {
    /// One `replicationStatus.summary[]` entry.
    pub struct RegionalReplicationStatus {
        /// Region.
        pub region: String,
        /// Unknown | Replicating | Completed | Failed.
        pub state: String,
        /// Free text.
        pub details: String,
        /// Percent.
        pub progress: i64,
    }
}
