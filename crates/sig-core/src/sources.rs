//! Image sources the simulated world holds, so the version rules (region, OS type/state, Hyper-V
//! generation, disk sizes) can be checked against something concrete.

use crate::kinds::{HyperVGeneration, OsState, OsType};
use crate::regions::RegionName;
use serde::{Deserialize, Serialize};

/// What kind of resource a source is; decides where it may be referenced from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SourceKind {
    /// `Microsoft.Compute/images`.
    ManagedImage,
    /// `Microsoft.Compute/snapshots`.
    Snapshot,
    /// `Microsoft.Compute/disks`.
    ManagedDisk,
    /// `Microsoft.Compute/virtualMachines`.
    VirtualMachine,
    /// A VHD blob (`https://{account}.blob.core.windows.net/...`) in a storage account.
    VhdBlob,
    /// An image version in a gallery outside the simulated world (versions inside it are found directly).
    GalleryImageVersion,
}

impl SourceKind {
    /// The ARM type a source of this kind has (VHDs have none).
    pub fn arm_type(self) -> Option<&'static str> {
        match self {
            SourceKind::ManagedImage => Some("Microsoft.Compute/images"),
            SourceKind::Snapshot => Some("Microsoft.Compute/snapshots"),
            SourceKind::ManagedDisk => Some("Microsoft.Compute/disks"),
            SourceKind::VirtualMachine => Some("Microsoft.Compute/virtualMachines"),
            SourceKind::GalleryImageVersion => Some(crate::ids::VERSION_TYPE),
            SourceKind::VhdBlob => None,
        }
    }

    /// May be referenced from `storageProfile.source` (whole image)?
    pub fn is_image_level(self) -> bool {
        matches!(
            self,
            SourceKind::ManagedImage | SourceKind::VirtualMachine | SourceKind::GalleryImageVersion
        )
    }
}

/// A data disk of a source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceDisk {
    /// LUN.
    pub lun: u32,
    /// Size in GiB.
    pub size_gb: u32,
}

/// One image source in the simulated world.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// ARM id (canonical form is stored), or the blob URI for a VHD.
    pub id: String,
    /// Kind.
    pub kind: SourceKind,
    /// Region the source lives in.
    pub location: RegionName,
    /// OS type (absent for pure data disks/snapshots).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_type: Option<OsType>,
    /// Generalized or specialized (VMs and images).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_state: Option<OsState>,
    /// Hyper-V generation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hyper_v_generation: Option<HyperVGeneration>,
    /// OS disk size (or the disk/snapshot/blob size).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_disk_size_gb: Option<u32>,
    /// Data disks with LUNs (VMs and managed images).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_disks: Vec<SourceDisk>,
    /// Storage account holding a VHD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_account_id: Option<String>,
}

impl Source {
    /// The RBAC action and scope that reading this source needs: `<type>/read` on the resource,
    /// or, for a VHD blob, read on its storage account (blobs have no ARM id of their own).
    /// `None` for a VHD registered without its storage account: there is no ARM scope to check,
    /// so nothing restricts reading it (the simulator alone can register one).
    pub fn read_permission(&self) -> Option<(String, String)> {
        match (self.kind.arm_type(), self.storage_account()) {
            (Some(ty), _) => Some((format!("{ty}/read"), self.id.clone())),
            (None, Some(account)) => Some((
                "Microsoft.Storage/storageAccounts/read".into(),
                account.to_string(),
            )),
            (None, None) => None,
        }
    }

    /// The storage account a VHD blob lives in, when given (a blank value counts as none), so
    /// reading, registering and deleting a VHD all ask about the same account.
    pub fn storage_account(&self) -> Option<&str> {
        self.storage_account_id
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
    }
}

/// Every source a version resource names, with the JSON path that names it —
/// `storageProfile.source` (`id`, `virtualMachineId`), the legacy
/// `publishingProfile.source.managedImage.id`, and each OS and data disk image's `source` (`id`
/// or VHD `uri`) — once each, in that order. Why: creating a version needs read access to each of
/// them ([`crate::access::required_permissions`]), whichever shape the request used, and a
/// refusal names the field.
pub fn referenced_ids(resource: &crate::arm::GalleryImageVersion) -> Vec<(&str, String)> {
    let props = resource.properties.as_ref();
    let sp = props.and_then(|p| p.storage_profile.as_ref());
    let top = sp.and_then(|s| s.source.as_ref());
    let legacy = props
        .and_then(|p| p.publishing_profile.as_ref())
        .and_then(|p| p.source.as_ref())
        .and_then(|s| s.managed_image.as_ref())
        .and_then(|m| m.id.as_deref());
    let os_disk = sp
        .and_then(|s| s.os_disk_image.as_ref())
        .and_then(|d| d.source.as_ref());
    fn named<'r>(id: Option<&'r str>, path: &str) -> Option<(&'r str, String)> {
        id.map(|id| (id, path.to_string()))
    }
    let mut all: Vec<(&str, String)> = [
        named(
            top.and_then(|s| s.id.as_deref()),
            "properties.storageProfile.source.id",
        ),
        named(
            top.and_then(|s| s.virtual_machine_id.as_deref()),
            "properties.storageProfile.source.virtualMachineId",
        ),
        named(
            legacy,
            "properties.publishingProfile.source.managedImage.id",
        ),
        named(
            os_disk.and_then(|s| s.id.as_deref()),
            "properties.storageProfile.osDiskImage.source.id",
        ),
        named(
            os_disk.and_then(|s| s.uri.as_deref()),
            "properties.storageProfile.osDiskImage.source.uri",
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    for (n, d) in sp
        .and_then(|s| s.data_disk_images.as_ref())
        .into_iter()
        .flatten()
        .enumerate()
    {
        let source = d.source.as_ref();
        let path =
            |field: &str| format!("properties.storageProfile.dataDiskImages[{n}].source.{field}");
        all.extend(named(source.and_then(|s| s.id.as_deref()), &path("id")));
        all.extend(named(source.and_then(|s| s.uri.as_deref()), &path("uri")));
    }
    let mut out: Vec<(&str, String)> = Vec::new();
    for (id, path) in all {
        if !out.iter().any(|(seen, _)| seen.eq_ignore_ascii_case(id)) {
            out.push((id, path));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vhd(account: Option<&str>) -> Source {
        Source {
            id: "https://acct.blob.core.windows.net/vhds/os.vhd".into(),
            kind: SourceKind::VhdBlob,
            location: RegionName::new("westus").expect("known region"),
            os_type: Some(OsType::Linux),
            os_state: Some(OsState::Generalized),
            hyper_v_generation: None,
            os_disk_size_gb: Some(30),
            data_disks: Vec::new(),
            storage_account_id: account.map(str::to_string),
        }
    }

    #[test]
    fn a_vhd_is_read_through_its_storage_account_and_a_blank_account_is_none() {
        let acct =
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct";
        assert_eq!(
            vhd(Some(acct)).read_permission(),
            Some((
                "Microsoft.Storage/storageAccounts/read".to_string(),
                acct.to_string()
            ))
        );
        for blank in [None, Some(""), Some("  ")] {
            assert_eq!(vhd(blank).storage_account(), None);
            assert_eq!(vhd(blank).read_permission(), None);
        }
    }
}
