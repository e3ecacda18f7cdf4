//! The FHIR REST calls the CLI makes: create or update a resource with a client-chosen id
//! (PUT), and read a version (GET `[type]/[id]/_history/[vid]`). Plain HTTP on loopback.

use std::time::Duration;

use crate::CliError;

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .http_status_as_error(false)
        .build()
        .into()
}

fn body_of(mut resp: ureq::http::Response<ureq::Body>, what: &str) -> Result<Vec<u8>, CliError> {
    let status = resp.status().as_u16();
    let body = resp
        .body_mut()
        .with_config()
        .limit(16 << 20)
        .read_to_vec()
        .map_err(|e| CliError::fhir(format!("{what}: reading the response failed: {e}")))?;
    if !(200..300).contains(&status) {
        return Err(CliError::fhir(format!("{what}: the server answered HTTP {status}")));
    }
    Ok(body)
}

/// PUT `resource` at `base/type/id`; returns the stored resource as the server answers it.
pub fn put(base: &str, resource_type: &str, id: &str, resource: &[u8]) -> Result<Vec<u8>, CliError> {
    let url = format!("{}/{resource_type}/{id}", base.trim_end_matches('/'));
    let resp = agent()
        .put(&url)
        .header("Content-Type", "application/fhir+json")
        .header("Accept", "application/fhir+json")
        .header("Prefer", "return=representation")
        .send(resource)
        .map_err(|e| CliError::fhir(format!("PUT {url}: {e}")))?;
    body_of(resp, &format!("PUT {url}"))
}

/// GET any URL (a versioned read) as FHIR JSON.
pub fn get(url: &str) -> Result<Vec<u8>, CliError> {
    if !url.starts_with("http://") {
        return Err(CliError::fhir("only http:// FHIR servers are supported by this build".into()));
    }
    let resp = agent()
        .get(url)
        .header("Accept", "application/fhir+json")
        .call()
        .map_err(|e| CliError::fhir(format!("GET {url}: {e}")))?;
    body_of(resp, &format!("GET {url}"))
}

/// The `meta.versionId` and `id` of a stored resource.
pub fn version_of(resource: &[u8]) -> Result<(String, String), CliError> {
    let v: serde_json::Value = serde_json::from_slice(resource).map_err(|_| CliError::fhir("the server returned no JSON resource".into()))?;
    let id = v.get("id").and_then(|x| x.as_str()).ok_or_else(|| CliError::fhir("stored resource has no id".into()))?;
    let version = v
        .get("meta")
        .and_then(|m| m.get("versionId"))
        .and_then(|x| x.as_str())
        .ok_or_else(|| CliError::fhir("stored resource has no meta.versionId".into()))?;
    Ok((id.to_owned(), version.to_owned()))
}
