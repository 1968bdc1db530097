//! Settings, from the environment with defaults that run everything
//! embedded under `./data`.

use std::net::SocketAddr;
use std::path::PathBuf;

use issuance::keys::MasterKey;

#[derive(Clone, Debug)]
pub struct Config {
    /// `LAUREL_DATABASE_URL`, default `sqlite://data/laurel.db`.
    pub database_url: String,
    /// `LAUREL_ADDR`, default `127.0.0.1:3000`.
    pub addr: SocketAddr,
    /// `LAUREL_PUBLIC_URL`: the base URL people and verifiers reach us at;
    /// default `http://{addr}`. An `https` URL makes session cookies Secure.
    pub public_url: String,
    /// `LAUREL_DATA_DIR`, default `./data`: the master key file lives here
    /// unless `LAUREL_MASTER_KEY` is set.
    pub data_dir: PathBuf,
    /// `LAUREL_MASTER_KEY`: base64 of 32 bytes; wins over the key file.
    pub master_key: Option<String>,
    /// `LEPTOS_SITE_ROOT`, default `target/site`: the built CSS, JS and wasm.
    pub site_root: String,
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let addr: SocketAddr = var("LAUREL_ADDR")
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .map_err(|e| anyhow::anyhow!("LAUREL_ADDR: {e} (expected host:port, e.g. 127.0.0.1:3000)"))?;
        Ok(Config {
            database_url: var("LAUREL_DATABASE_URL").unwrap_or_else(|| "sqlite://data/laurel.db".into()),
            public_url: var("LAUREL_PUBLIC_URL")
                .unwrap_or_else(|| format!("http://{addr}"))
                .trim_end_matches('/')
                .to_owned(),
            addr,
            data_dir: var("LAUREL_DATA_DIR").unwrap_or_else(|| "data".into()).into(),
            master_key: var("LAUREL_MASTER_KEY"),
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
        })
    }

    pub fn master_key(&self) -> anyhow::Result<MasterKey> {
        Ok(match &self.master_key {
            Some(encoded) => MasterKey::from_base64(encoded).map_err(|e| anyhow::anyhow!("LAUREL_MASTER_KEY: {e}"))?,
            None => MasterKey::load_or_create(&self.data_dir.join("master.key"))?,
        })
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}
