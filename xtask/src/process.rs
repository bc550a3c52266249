//! Running the tools: with their status checked, or with their output kept in a
//! log as well as shown.

use crate::{fail, Result};
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;

/// The command as a person would type it, for error messages.
pub fn describe(cmd: &Command) -> String {
    let mut text = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

/// Runs the command with the terminal's output; an error unless it succeeded.
pub fn run(cmd: &mut Command) -> Result<()> {
    let status = cmd
        .status()
        .map_err(|e| fail!("cannot start `{}`: {e}", describe(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(fail!("`{}` failed ({status})", describe(cmd)))
    }
}

/// Runs the command and returns what it printed on stdout (stderr is shown).
pub fn stdout_of(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| fail!("cannot start `{}`: {e}", describe(cmd)))?;
    if !out.status.success() {
        return Err(fail!("`{}` failed ({})", describe(cmd), out.status));
    }
    String::from_utf8(out.stdout).map_err(|_| fail!("`{}` printed bytes that are not UTF-8", describe(cmd)))
}

/// Starts a suite's log afresh (it gathers several commands).
pub fn open_log(path: &Path) -> Result<Arc<Mutex<File>>> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let file = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .open(path)
        .map_err(|e| fail!("cannot open the log {}: {e}", path.display()))?;
    Ok(Arc::new(Mutex::new(file)))
}

/// What a logged command printed (stdout and stderr, as they came) and whether
/// it succeeded.
pub struct Logged {
    pub ok: bool,
    pub output: String,
}

/// Runs the command, showing its output line by line and keeping it in `log`;
/// lines `hide` says yes to are kept in the log only. Only a command that cannot
/// start is an error.
pub fn run_logged(cmd: &mut Command, log: &Arc<Mutex<File>>, hide: fn(&str) -> bool) -> Result<Logged> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fail!("cannot start `{}`: {e}", describe(cmd)))?;
    let out = child.stdout.take().expect("piped");
    let err = child.stderr.take().expect("piped");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let reader = |from: Box<dyn Read + Send>, to: fn() -> Box<dyn Write>| {
        let (log, seen) = (Arc::clone(log), Arc::clone(&seen));
        thread::spawn(move || copy_lines(from, &log, &seen, hide, &mut *to()))
    };
    let a = reader(Box::new(out), || Box::new(io::stdout()));
    let b = reader(Box::new(err), || Box::new(io::stderr()));
    let status = child.wait()?;
    // A reader thread only ends with an I/O error of our own terminal or log.
    a.join().expect("reader thread")?;
    b.join().expect("reader thread")?;
    let output = String::from_utf8_lossy(&seen.lock().expect("output lock")).into_owned();
    Ok(Logged {
        ok: status.success(),
        output,
    })
}

fn copy_lines(
    from: Box<dyn Read + Send>,
    log: &Mutex<File>,
    seen: &Mutex<Vec<u8>>,
    hide: fn(&str) -> bool,
    to: &mut dyn Write,
) -> io::Result<()> {
    let mut reader = BufReader::new(from);
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        log.lock().expect("log lock").write_all(&line)?;
        seen.lock().expect("output lock").extend_from_slice(&line);
        if !hide(&String::from_utf8_lossy(&line)) {
            to.write_all(&line)?;
            to.flush()?;
        }
    }
}

/// For [`run_logged`]: show every line.
pub fn show_all(_: &str) -> bool {
    false
}

/// Whether a program is on `PATH` (what `command -v` answers).
pub fn on_path(program: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            .unwrap_or(false)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}
