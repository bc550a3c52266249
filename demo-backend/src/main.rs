//! `demo-backend [--port N] [--data DIR]`: serves the demos' backend on
//! 127.0.0.1 (port 0: any free one) until interrupted, keeping its store in DIR.
//! Prints `demo-backend: listening on http://127.0.0.1:<port>` once it serves.

use offline_push_demo_backend::{demo_vendor_config, serve, store::Store, Backend};
use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::ExitCode;

struct Args {
    port: u16,
    data: PathBuf,
}

fn args() -> Result<Args, String> {
    let mut port = 0;
    let mut data = std::env::temp_dir().join("offline-push-demo-backend");
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let value = |it: &mut dyn Iterator<Item = String>| it.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--port" => {
                let text = value(&mut it)?;
                port = text
                    .parse()
                    .map_err(|_| format!("--port takes a number from 0 to 65535, not {text}"))?;
            }
            "--data" => data = PathBuf::from(value(&mut it)?),
            _ => {
                return Err(format!(
                    "unknown argument {arg}; usage: demo-backend [--port N] [--data DIR]"
                ))
            }
        }
    }
    Ok(Args { port, data })
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("demo-backend: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args = args()?;
    std::fs::create_dir_all(&args.data).map_err(|e| format!("cannot create {}: {e}", args.data.display()))?;
    let file = args.data.join("backend.sqlite3");
    let store = Store::open(&file).map_err(|e| format!("cannot open {}: {e}", file.display()))?;
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let listener = TcpListener::bind(address).map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => format!("cannot listen on {address}: the port is in use"),
        _ => format!("cannot listen on {address}: {e}"),
    })?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).map_err(|e| e.to_string())?;
        println!("demo-backend: listening on http://127.0.0.1:{port}");
        let _ = std::io::stdout().flush();
        // Ctrl-C, or the TERM a demo sends when it ends.
        let shutdown = async {
            #[cfg(unix)]
            {
                use tokio::signal::unix::{signal, SignalKind};
                match signal(SignalKind::terminate()) {
                    Ok(mut term) => {
                        tokio::select! {
                            _ = tokio::signal::ctrl_c() => {}
                            _ = term.recv() => {}
                        }
                    }
                    Err(_) => {
                        let _ = tokio::signal::ctrl_c().await;
                    }
                }
            }
            #[cfg(not(unix))]
            {
                let _ = tokio::signal::ctrl_c().await;
            }
        };
        serve(listener, Backend::new(store, demo_vendor_config()), shutdown)
            .await
            .map_err(|e| format!("stopped: {e}"))
    })
}
