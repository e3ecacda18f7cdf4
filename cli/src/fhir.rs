//! The FHIR REST calls the CLI makes: create or update a resource with a client-chosen id
//! (PUT), and read a version (GET `[type]/[id]/_history/[vid]`), over HTTP or HTTPS.
//!
//! HTTPS runs on rustls with AWS-LC's algorithms and trusts Mozilla's root certificates; with
//! `--fhir-roots system`, the operating system's trust store instead (through
//! rustls-platform-verifier); with `--fhir-ca`, only the certificates of that PEM file (a
//! hospital network's own CA).
//! Error text names neither the URL nor the host: a URL here is an opened pointer.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig, TlsProvider};

use crate::CliError;

/// The roots a server's certificate is checked against when no CA file is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Roots {
    /// Mozilla's root certificates, built in.
    Mozilla,
    /// The operating system's trust store.
    System,
}

/// A client for the custodians' FHIR servers.
pub struct Fhir {
    agent: ureq::Agent,
}

impl Fhir {
    /// A client that trusts the certificates in the PEM file `ca`, or else `roots`.
    pub fn new(ca: Option<&Path>, roots: Roots) -> Result<Self, CliError> {
        let roots = match (ca, roots) {
            (Some(path), _) => RootCerts::new_with_certs(&read_certificates(path)?),
            (None, Roots::Mozilla) => RootCerts::WebPki,
            (None, Roots::System) => RootCerts::PlatformVerifier,
        };
        let tls = TlsConfig::builder()
            .provider(TlsProvider::Rustls)
            .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
            .root_certs(roots)
            .build();
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(30)))
            .http_status_as_error(false)
            .tls_config(tls)
            .build()
            .into();
        Ok(Self { agent })
    }

    /// PUT `resource` at `base/type/id`; returns the stored resource as the server answers it.
    pub fn put(&self, base: &str, resource_type: &str, id: &str, resource: &[u8]) -> Result<Vec<u8>, CliError> {
        let url = format!("{}/{resource_type}/{id}", base.trim_end_matches('/'));
        check_scheme(&url)?;
        let resp = self
            .agent
            .put(&url)
            .header("Content-Type", "application/fhir+json")
            .header("Accept", "application/fhir+json")
            .header("Prefer", "return=representation")
            .send(resource)
            .map_err(|e| CliError::fhir(format!("PUT of the {resource_type}: {}", reason(&e))))?;
        body_of(resp, &format!("PUT of the {resource_type}"))
    }

    /// GET any URL (a versioned read) as FHIR JSON.
    pub fn get(&self, url: &str) -> Result<Vec<u8>, CliError> {
        check_scheme(url)?;
        let resp = self
            .agent
            .get(url)
            .header("Accept", "application/fhir+json")
            .call()
            .map_err(|e| CliError::fhir(format!("GET of the resource: {}", reason(&e))))?;
        body_of(resp, "GET of the resource")
    }
}

/// The certificates of a PEM file (at least one).
fn read_certificates(path: &Path) -> Result<Vec<Certificate<'static>>, CliError> {
    let pem = std::fs::read(path).map_err(|e| CliError::io(path, &e))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(PemItem::Certificate(cert)) => certs.push(cert),
            Ok(_) => {}
            Err(_) => return Err(CliError::usage(format!("{}: not a PEM file", path.display()))),
        }
    }
    if certs.is_empty() {
        return Err(CliError::usage(format!("{}: no certificate in it", path.display())));
    }
    Ok(certs)
}

/// Only FHIR servers over HTTP or HTTPS.
fn check_scheme(url: &str) -> Result<(), CliError> {
    if url.starts_with("http://") || url.starts_with("https://") {
        Ok(())
    } else {
        Err(CliError::fhir("a FHIR server URL must start with http:// or https://".into()))
    }
}

/// Why a request failed, without the URL or the host (ureq's and rustls's own text can carry
/// either).
fn reason(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Io(io) => match io.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()) {
            Some(tls) => tls_reason(tls),
            None => format!("connection failed ({})", io.kind()),
        },
        ureq::Error::Rustls(tls) => tls_reason(tls),
        ureq::Error::Tls(why) => format!("TLS: {why}"),
        ureq::Error::Timeout(_) => "timed out".into(),
        ureq::Error::HostNotFound => "host not found".into(),
        ureq::Error::ConnectionFailed => "connection failed".into(),
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => "malformed URL".into(),
        ureq::Error::TooManyRedirects | ureq::Error::RedirectFailed => "redirect failed".into(),
        ureq::Error::BodyExceedsLimit(_) => "response larger than 16 MiB".into(),
        _ => "request failed".into(),
    }
}

/// A TLS failure by kind: rustls's text for a wrong name lists the names.
fn tls_reason(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(C::UnknownIssuer) => {
            "TLS: the server's certificate is from an unknown issuer (a private CA needs --fhir-ca, or --fhir-roots system if the system trusts it)".into()
        }
        rustls::Error::InvalidCertificate(C::NotValidForName | C::NotValidForNameContext { .. }) => {
            "TLS: the server's certificate is not valid for its name".into()
        }
        rustls::Error::InvalidCertificate(C::Expired | C::ExpiredContext { .. }) => "TLS: the server's certificate has expired".into(),
        rustls::Error::InvalidCertificate(_) => "TLS: the server's certificate is invalid".into(),
        _ => "TLS: the handshake failed".into(),
    }
}

fn body_of(mut resp: ureq::http::Response<ureq::Body>, what: &str) -> Result<Vec<u8>, CliError> {
    let status = resp.status().as_u16();
    let body = resp
        .body_mut()
        .with_config()
        .limit(16 << 20)
        .read_to_vec()
        .map_err(|e| CliError::fhir(format!("{what}: reading the response failed: {}", reason(&e))))?;
    if !(200..300).contains(&status) {
        return Err(CliError::fhir(format!("{what}: the server answered HTTP {status}")));
    }
    Ok(body)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_urls_are_fetched() {
        assert!(check_scheme("http://127.0.0.1:8081/fhir/Observation/1/_history/1").is_ok());
        assert!(check_scheme("https://fhir.example/fhir/Observation/1/_history/1").is_ok());
        for url in ["ftp://fhir.example/Observation/1", "file:///etc/passwd", "fhir.example/Observation/1", ""] {
            let e = check_scheme(url).err().map(|e| e.message).unwrap_or_default();
            assert!(e.contains("http:// or https://") && (url.is_empty() || !e.contains(url)), "{url}: {e}");
        }
    }

    #[test]
    fn a_ca_file_must_hold_a_certificate() -> std::io::Result<()> {
        let dir = std::env::temp_dir().join(format!("fhirbus-cli-ca-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let not_pem = dir.join("not.pem");
        std::fs::write(&not_pem, b"no PEM here")?;
        assert!(Fhir::new(Some(&not_pem), Roots::Mozilla).is_err_and(|e| e.message.contains("no certificate")));
        assert!(Fhir::new(Some(&dir.join("missing.pem")), Roots::Mozilla).is_err());
        std::fs::remove_dir_all(&dir)
    }

    #[test]
    fn both_kinds_of_roots_make_a_client() {
        assert!(Fhir::new(None, Roots::Mozilla).is_ok());
        assert!(Fhir::new(None, Roots::System).is_ok());
    }
}
