//! The Solana Actions types this server speaks (the Actions specification, version 2.4): what a
//! GET returns, what a POST carries and returns, and the error body.
use serde::{Deserialize, Serialize};

/// The version header every response carries.
pub const ACTION_VERSION: &str = "2.4";

#[derive(Serialize, Debug)]
pub struct ActionGetResponse {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub icon: String,
    pub title: String,
    pub description: String,
    pub label: String,
    pub links: Links,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ActionError>,
}

#[derive(Serialize, Debug)]
pub struct Links {
    pub actions: Vec<LinkedAction>,
}

#[derive(Serialize, Debug)]
pub struct LinkedAction {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub label: String,
    pub href: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<ActionParameter>,
}

#[derive(Serialize, Debug)]
pub struct ActionParameter {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub name: &'static str,
    pub label: String,
    pub required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<&'static str>,
    #[serde(rename = "patternDescription", skip_serializing_if = "Option::is_none")]
    pub pattern_description: Option<&'static str>,
}

#[derive(Deserialize, Debug)]
pub struct ActionPostRequest {
    pub account: String,
}

#[derive(Serialize, Debug)]
pub struct ActionPostResponse {
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The unsigned transaction, base64 of its wire bytes.
    pub transaction: String,
    pub message: String,
}

#[derive(Serialize, Debug, Clone)]
pub struct ActionError {
    pub message: String,
}

#[derive(Serialize, Debug)]
pub struct ActionsJson {
    pub rules: Vec<ActionRule>,
}

#[derive(Serialize, Debug)]
pub struct ActionRule {
    #[serde(rename = "pathPattern")]
    pub path_pattern: &'static str,
    #[serde(rename = "apiPath")]
    pub api_path: &'static str,
}
