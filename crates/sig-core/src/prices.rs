//! The price table cost estimates use ([`crate::cost`]), on its own so the world can carry the
//! one the user set (`SetPriceTable`) without the world depending on the estimate.

use crate::kinds::StorageAccountType;
use serde::{Deserialize, Serialize};

/// Managed-disk tier sizes in GiB (Azure docs, "Azure Compute Gallery": billing; managed disk pricing), suffixes 4, 6, 10, 15, 20, 30, 40, 50, 60, 70, 80.
pub const TIER_SIZES_GB: [u32; 11] = [32, 64, 128, 256, 512, 1024, 2048, 4095, 8192, 16384, 32767];
/// Tier suffixes matching [`TIER_SIZES_GB`].
pub const TIER_SUFFIXES: [u32; 11] = [4, 6, 10, 15, 20, 30, 40, 50, 60, 70, 80];

/// The prices an estimate uses. Every field defaults to an **assumed** price; override any of them
/// from a JSON file (`{"egressPerGb": 0.05}` keeps the other defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PriceTable {
    /// Currency label for output.
    pub currency: String,
    /// Monthly price per Standard_LRS disk, per tier (S4 … S80). Assumed default.
    pub standard_lrs_monthly: Vec<f64>,
    /// Monthly price per Standard_ZRS disk, per tier. Assumed default: Standard_LRS × 1.25.
    pub standard_zrs_monthly: Vec<f64>,
    /// Monthly price per Premium_LRS disk, per tier (P4 … P80). Assumed default.
    pub premium_lrs_monthly: Vec<f64>,
    /// Inter-region egress price per GiB. Assumed default.
    pub egress_per_gb: f64,
}

impl Default for PriceTable {
    fn default() -> Self {
        let s = vec![
            1.54, 3.01, 5.89, 11.33, 21.76, 40.96, 77.83, 143.36, 262.14, 524.29, 1048.58,
        ];
        PriceTable {
            currency: "USD".into(),
            standard_zrs_monthly: s
                .iter()
                .map(|p| (p * 1.25 * 100.0_f64).round() / 100.0)
                .collect(),
            standard_lrs_monthly: s,
            premium_lrs_monthly: vec![
                5.28, 10.21, 19.71, 38.01, 73.22, 135.17, 259.05, 495.57, 946.08, 1802.24, 3604.48,
            ],
            egress_per_gb: 0.02,
        }
    }
}

/// What is wrong with a user-edited price table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PriceTableError {
    /// A storage type's list does not have one price per tier.
    #[error("{field} needs {expected} prices (one per tier {tiers:?} GiB), got {got}")]
    WrongLength {
        /// The list's field name.
        field: &'static str,
        /// How many tiers there are.
        expected: usize,
        /// The tier sizes.
        tiers: &'static [u32],
        /// How many prices it has.
        got: usize,
    },
    /// A price that is negative or not a number.
    #[error("{0} prices must be non-negative numbers")]
    Negative(&'static str),
    /// The egress price is negative or not a number.
    #[error("egressPerGb must be a non-negative number")]
    NegativeEgress,
}

impl PriceTableError {
    /// The offending field's name (camelCase, as in the JSON), for the diagnostic's path.
    pub fn field(&self) -> &'static str {
        match self {
            PriceTableError::WrongLength { field, .. } | PriceTableError::Negative(field) => field,
            PriceTableError::NegativeEgress => "egressPerGb",
        }
    }
}

impl PriceTable {
    /// Checks a user-edited table: one non-negative price per tier and a non-negative egress price.
    pub fn check(&self) -> Result<(), PriceTableError> {
        for (name, list) in [
            ("standardLrsMonthly", &self.standard_lrs_monthly),
            ("standardZrsMonthly", &self.standard_zrs_monthly),
            ("premiumLrsMonthly", &self.premium_lrs_monthly),
        ] {
            if list.len() != TIER_SIZES_GB.len() {
                return Err(PriceTableError::WrongLength {
                    field: name,
                    expected: TIER_SIZES_GB.len(),
                    tiers: &TIER_SIZES_GB,
                    got: list.len(),
                });
            }
            if list.iter().any(|p| !p.is_finite() || *p < 0.0) {
                return Err(PriceTableError::Negative(name));
            }
        }
        if !self.egress_per_gb.is_finite() || self.egress_per_gb < 0.0 {
            return Err(PriceTableError::NegativeEgress);
        }
        Ok(())
    }
    /// The monthly price of one disk of storage type `t` at tier index `tier` (0 when out of range).
    pub(crate) fn monthly(&self, t: StorageAccountType, tier: usize) -> f64 {
        let list = match t {
            StorageAccountType::StandardLrs => &self.standard_lrs_monthly,
            StorageAccountType::StandardZrs => &self.standard_zrs_monthly,
            StorageAccountType::PremiumLrs => &self.premium_lrs_monthly,
        };
        list.get(tier).copied().unwrap_or(0.0)
    }
}
