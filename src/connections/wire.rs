use serde::{Deserialize, Serialize};
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlaintextProvider {
    pub kind: Option<String>,
    pub data: Option<String>,
}
