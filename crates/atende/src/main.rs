//! `atende`: the command line.

use anyhow::Context;
use atende::app::{self, StartOptions};
use atende::{Settings, telemetry};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "atende", version, about = "Atende: omnichannel customer service and CRM")]
struct Cli {
    /// A TOML settings file (keys are the ATENDE_* names without the prefix, lower case).
    #[arg(long, global = true, env = "ATENDE_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the API, the web app and (unless --no-worker) the job worker.
    Serve {
        /// Do not run the embedded worker (run `atende worker` elsewhere).
        #[arg(long)]
        no_worker: bool,
    },
    /// Run only the job worker.
    Worker,
    /// Apply database migrations (as the schema owner) and optionally create the app role.
    Migrate {
        /// Create or update a PostgreSQL login role for the application: not owner, not
        /// BYPASSRLS, no UPDATE/DELETE on audit_logs.
        #[arg(long, value_name = "NAME")]
        create_app_role: Option<String>,
        /// Password for that role.
        #[arg(long, env = "ATENDE_APP_ROLE_PASSWORD", value_name = "PASSWORD")]
        app_role_password: Option<String>,
    },
    /// Tenants.
    Tenant {
        #[command(subcommand)]
        command: TenantCommand,
    },
    /// Platform super admins.
    Superadmin {
        #[command(subcommand)]
        command: SuperadminCommand,
    },
    /// Users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Exit 0 when the server on ATENDE_LISTEN answers /healthz (for container health checks).
    Healthcheck,
}

#[derive(Subcommand)]
enum TenantCommand {
    /// Create a tenant and its first admin.
    Create {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        admin_email: String,
        #[arg(long)]
        admin_password: String,
        #[arg(long)]
        admin_name: Option<String>,
        #[arg(long)]
        time_zone: Option<String>,
    },
}

#[derive(Subcommand)]
enum SuperadminCommand {
    /// Create a super admin (or promote an existing account and set its password).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user, optionally as a member of a tenant.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        password: String,
        /// Tenant slug to join.
        #[arg(long, requires = "role")]
        tenant: Option<String>,
        /// admin | supervisor | agent | viewer
        #[arg(long, requires = "tenant")]
        role: Option<String>,
    },
}

fn core_err(e: atende_core::CoreError) -> anyhow::Error {
    match e {
        atende_core::CoreError::Validation(f) => {
            let msgs: Vec<String> = f
                .messages
                .iter()
                .map(|(k, v)| format!("{k}: {}", v.join(", ")))
                .collect();
            anyhow::anyhow!("invalid input: {}", msgs.join("; "))
        }
        other => anyhow::anyhow!("{other}"),
    }
}

/// The use-case layer for a one-shot command (no server).
async fn core_for(settings: &Settings) -> anyhow::Result<atende_core::Core> {
    let public_url = settings
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", settings.listen));
    app::build_core(settings, public_url).await
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = Settings::load(cli.config.as_deref())?;
    if !matches!(cli.command, Command::Healthcheck) {
        telemetry::init(&settings);
    }
    match cli.command {
        Command::Serve { no_worker } => {
            let stop = app::termination();
            let running = app::start(
                settings,
                None,
                StartOptions {
                    worker: !no_worker,
                    banner: true,
                },
            )
            .await?;
            let token = running.shutdown_token();
            stop.await;
            tracing::info!("shutting down: finishing in-flight requests");
            token.cancel();
            tokio::time::timeout(app::SHUTDOWN_GRACE, running.wait())
                .await
                .context("shutdown took too long")??;
        }
        Command::Worker => {
            let stop = app::termination();
            let core = core_for(&settings).await?;
            let token = tokio_util::sync::CancellationToken::new();
            let w = tokio::spawn(app::worker(core, &settings).run(token.clone()));
            tracing::info!("worker running");
            stop.await;
            token.cancel();
            w.await?;
        }
        Command::Migrate {
            create_app_role,
            app_role_password,
        } => {
            let owner = app::migrate(&settings).await?;
            println!("migrations applied");
            if let Some(role) = create_app_role {
                owner
                    .create_app_role(&role, app_role_password.as_deref())
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                println!("application role '{role}' ready (not owner, not BYPASSRLS)");
            }
        }
        Command::Tenant {
            command:
                TenantCommand::Create {
                    slug,
                    name,
                    admin_email,
                    admin_password,
                    admin_name,
                    time_zone,
                },
        } => {
            let core = core_for(&settings).await?;
            let created = atende_core::people::tenants::create(
                &core,
                None,
                atende_core::people::tenants::CreateTenant {
                    slug,
                    name,
                    time_zone,
                    locale: None,
                    admin_email,
                    admin_name,
                    admin_password: Some(admin_password),
                },
                &atende_core::RequestMeta::default(),
            )
            .await
            .map_err(core_err)?;
            println!(
                "tenant {} ({}) created; admin {}",
                created.tenant.slug, created.tenant.id, created.admin.email
            );
        }
        Command::Superadmin {
            command: SuperadminCommand::Create { email, password },
        } => {
            let core = core_for(&settings).await?;
            let u = atende_core::people::bootstrap::create_super_admin(&core, &email, &password)
                .await
                .map_err(core_err)?;
            println!("super admin {} ready", u.email);
        }
        Command::User {
            command:
                UserCommand::Create {
                    email,
                    name,
                    password,
                    tenant,
                    role,
                },
        } => {
            let core = core_for(&settings).await?;
            let t = tenant.as_deref().zip(role.as_deref());
            let u = atende_core::people::bootstrap::create_user(&core, &email, &name, &password, t)
                .await
                .map_err(core_err)?;
            println!("user {} created", u.email);
        }
        Command::Healthcheck => {
            let ok = healthcheck(&settings.listen).await;
            std::process::exit(i32::from(!ok));
        }
    }
    Ok(())
}

/// A plain HTTP/1.1 GET of /healthz (no TLS, no client crate: this runs in the container's
/// health check, against the local listener).
async fn healthcheck(listen: &str) -> bool {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = listen.replace("0.0.0.0", "127.0.0.1").replace("[::]", "[::1]");
    let attempt = async {
        let mut s = tokio::net::TcpStream::connect(&addr).await.ok()?;
        s.write_all(format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes())
            .await
            .ok()?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await.ok()?;
        Some(buf.starts_with(b"HTTP/1.1 200"))
    };
    matches!(
        tokio::time::timeout(std::time::Duration::from_secs(5), attempt).await,
        Ok(Some(true))
    )
}
