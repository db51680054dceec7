//! Encryption per target region (`targetRegions[].encryption`): newer than the seed; Azure docs,
//! "Use customer-managed keys for encrypting images" and "Troubleshoot shared images": each
//! target region has its own disk encryption set, in the gallery's subscription; the data disks
//! named are the version's, each once (that rule is in `targets.rs`); a VHD source can't be
//! encrypted. (The article also asks to encrypt the OS disk in every region once in one, but
//! three of Azure's own REST samples return versions that don't, so it is not enforced.)

use super::*;

/// The type a `diskEncryptionSetId` must name.
const DES_TYPE: &str = "Microsoft.Compute/diskEncryptionSets";

/// The encryption of every target region against the version's disks and subscription.
pub(super) fn check_encryption(
    pp: &arm::PublishingProfile,
    sp: Option<&arm::StorageProfile>,
    subscription: Option<&str>,
    rid: &str,
    out: &mut Vec<Diagnostic>,
) {
    let targets = pp.target_regions.as_deref().unwrap_or_default();
    if targets.iter().all(|t| t.encryption.is_none()) {
        return;
    }
    let bad = |path: String, message: String| {
        Diagnostic::new(Code::EncryptionSettingsInvalid, rid, path, message)
    };
    let vhd = sp
        .and_then(|s| s.os_disk_image.as_ref())
        .and_then(|d| d.source.as_ref())
        .is_some_and(|s| s.uri.is_some());
    // The version's data disk LUNs, when its storage profile lists them.
    // (Only when the request names them, each with its source: what Azure returns lists
    // read-only disks, and its own examples disagree between the two.)
    let luns: Option<Vec<i64>> = sp
        .and_then(|s| s.data_disk_images.as_ref())
        .filter(|disks| !disks.is_empty() && disks.iter().all(|d| d.source.is_some()))
        .map(|disks| disks.iter().filter_map(|d| d.lun).collect());
    let mut owners: BTreeMap<String, String> = BTreeMap::new();
    let mut vhd_reported = false;
    for (i, t) in targets.iter().enumerate() {
        let region = t.name.clone().unwrap_or_default();
        let base = format!("properties.publishingProfile.targetRegions[{i}].encryption");
        let Some(e) = &t.encryption else {
            continue;
        };
        if vhd && !vhd_reported {
            vhd_reported = true;
            out.push(bad(base.clone(), format!("A version made from a VHD can't be encrypted with a disk encryption set (target region '{region}' names one).")));
        }
        let os_des = e
            .os_disk_image
            .as_ref()
            .and_then(|v| v.get("diskEncryptionSetId"))
            .and_then(|v| v.as_str());
        let data = e
            .data_disk_images
            .iter()
            .flatten()
            .enumerate()
            .map(|(n, d)| {
                (
                    format!("{base}.dataDiskImages[{n}]"),
                    d.disk_encryption_set_id.as_deref(),
                    d.lun,
                )
            });
        let all = std::iter::once((format!("{base}.osDiskImage"), os_des, None)).chain(data);
        for (path, des, lun) in all {
            if let (Some(lun), Some(known)) = (lun, &luns) {
                if !known.contains(&lun) {
                    out.push(bad(format!("{path}.lun"), format!("The version has no data disk at LUN {lun} to encrypt in target region '{region}'.")));
                }
            }
            let Some(des) = des else { continue };
            let path = format!("{path}.diskEncryptionSetId");
            // Azure's own examples name `…/diskEncryptionSet/…` (sic): accepted too.
            let des_type = |id: &ArmId| {
                id.is_type(DES_TYPE) || id.is_type("Microsoft.Compute/diskEncryptionSet")
            };
            let Some(id) = ArmId::parse(des).filter(des_type) else {
                out.push(bad(
                    path,
                    format!("'{des}' is not the id of a disk encryption set ({DES_TYPE})."),
                ));
                continue;
            };
            // `{subscriptionId}`: a REST example's placeholder, not a subscription.
            let placeholder = |s: &str| s.contains('{');
            if let (Some(des_sub), Some(sub)) = (id.subscription.as_deref(), subscription) {
                if !placeholder(des_sub) && !placeholder(sub) && !des_sub.eq_ignore_ascii_case(sub)
                {
                    out.push(bad(path.clone(), format!("The disk encryption set '{des}' must be in the gallery's subscription '{sub}'.")));
                }
            }
            // A disk encryption set lives in one region: another region needs its own.
            let key = des.to_ascii_lowercase();
            match owners.get(&key) {
                Some(other) if !other.eq_ignore_ascii_case(&region) => out.push(bad(path, format!("The disk encryption set '{des}' is used for target regions '{other}' and '{region}'; each target region needs its own, in that region."))),
                Some(_) => {}
                None => {
                    owners.insert(key, region.clone());
                }
            }
        }
    }
}
