//! What a store's file says about itself, read from its bytes without SQLite, so
//! that a store this library refuses is never touched: opening it with SQLite
//! would write (a WAL connection builds or updates the `-shm` index, and the
//! last connection to close folds the `-wal` into the file and deletes both).
//!
//! The values that matter sit in the database header, the first 100 bytes of
//! page 1 (sqlite.org/fileformat2.html, "The Database Header"): the schema
//! version (`user_version`, offset 60), the application id (offset 68), the
//! journal mode (offsets 18 and 19: 2 in WAL mode); and right after it page 1's
//! b-tree header, whose cell count (offset 103) is 0 while the schema holds no
//! table. In WAL mode the newest page 1 may be in the `-wal` file instead: the
//! last copy of it in a committed transaction of the current WAL wins
//! (sqlite.org/walformat.html: frames count only while their salts match the
//! WAL header's and their running checksum holds, and only up to the last
//! commit frame).

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// The bytes of page 1 this reads: the database header and page 1's b-tree header.
const PAGE1_PREFIX: usize = 108;
const MAGIC: &[u8; 16] = b"SQLite format 3\0";
const WAL_HEADER: usize = 32;
const FRAME_HEADER: usize = 24;
/// The WAL's magic numbers: checksums in little- or big-endian words.
const WAL_MAGIC_LE: u32 = 0x377f_0682;
const WAL_MAGIC_BE: u32 = 0x377f_0683;
const WAL_VERSION: u32 = 3_007_000;

/// What a store's path holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Found {
    /// No file, or an empty one (SQLite creates it empty): a new store.
    Nothing,
    /// A file that does not start as an SQLite database does.
    NotSqlite,
    Database(Header),
}

/// Page 1's header as the last committed transaction left it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Header {
    /// `PRAGMA user_version`: this library's schema version.
    pub user_version: u32,
    /// `PRAGMA application_id`.
    pub application_id: u32,
    /// The schema holds no table, index or view.
    pub schema_empty: bool,
}

/// Reads what `db` (and its `-wal`, if any) holds. Never writes, never locks:
/// a file being written meanwhile reads as it was at some commit, or as an
/// older one (a frame being appended fails its checksum and ends the read).
pub(super) fn read(db: &Path) -> io::Result<Found> {
    let mut page1 = [0u8; PAGE1_PREFIX];
    let read = match File::open(db) {
        Ok(mut file) => read_up_to(&mut file, &mut page1)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => 0,
        Err(e) => return Err(e),
    };
    if read == 0 {
        return Ok(Found::Nothing);
    }
    if read < PAGE1_PREFIX || &page1[..16] != MAGIC {
        return Ok(Found::NotSqlite);
    }
    let wal = format!("{}-wal", db.display());
    if let Some(newer) = newest_page1_in_wal(Path::new(&wal))? {
        page1 = newer;
    }
    Ok(Found::Database(Header {
        user_version: be32(&page1[60..]),
        application_id: be32(&page1[68..]),
        schema_empty: u16::from_be_bytes([page1[103], page1[104]]) == 0,
    }))
}

/// The start of the last committed copy of page 1 in the WAL file at `wal`, if any.
fn newest_page1_in_wal(wal: &Path) -> io::Result<Option<[u8; PAGE1_PREFIX]>> {
    match File::open(wal) {
        Ok(file) => newest_committed(&mut io::BufReader::new(file), 1),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// The first [`PAGE1_PREFIX`] bytes of the last copy of `page` that a committed
/// transaction wrote to the WAL read from `wal`, frame by frame (a WAL may hold
/// megabytes: one page is held at a time). `None` without a valid WAL header.
fn newest_committed(wal: &mut impl Read, page: u32) -> io::Result<Option<[u8; PAGE1_PREFIX]>> {
    let mut header = [0u8; WAL_HEADER];
    if read_up_to(wal, &mut header)? < WAL_HEADER {
        return Ok(None);
    }
    let big_endian = match be32(&header) {
        WAL_MAGIC_LE => false,
        WAL_MAGIC_BE => true,
        _ => return Ok(None),
    };
    let page_size = be32(&header[8..]) as usize;
    if be32(&header[4..]) != WAL_VERSION
        || !(512..=65_536).contains(&page_size)
        || !page_size.is_power_of_two()
    {
        return Ok(None);
    }
    let mut checksum = running_checksum((0, 0), &header[..24], big_endian);
    if checksum != (be32(&header[24..]), be32(&header[28..])) {
        return Ok(None);
    }
    let salts = &header[16..24];
    let mut frame = vec![0u8; FRAME_HEADER + page_size];
    let mut committed = None;
    let mut pending = None;
    while read_up_to(wal, &mut frame)? == frame.len() {
        let (frame_header, data) = frame.split_at(FRAME_HEADER);
        if &frame_header[8..16] != salts {
            break;
        }
        checksum = running_checksum(checksum, &frame_header[..8], big_endian);
        checksum = running_checksum(checksum, data, big_endian);
        if checksum != (be32(&frame_header[16..]), be32(&frame_header[20..])) {
            break;
        }
        if be32(frame_header) == page {
            let mut prefix = [0u8; PAGE1_PREFIX];
            prefix.copy_from_slice(&data[..PAGE1_PREFIX]);
            pending = Some(prefix);
        }
        // A commit frame carries the database's size in pages after the commit.
        if be32(&frame_header[4..]) != 0 && pending.is_some() {
            committed = pending.take();
        }
    }
    Ok(committed)
}

/// The WAL's checksum (walformat.html, "Checksum Algorithm") continued over
/// `data`, read as 32-bit words in the WAL's byte order, two at a time.
fn running_checksum((mut s0, mut s1): (u32, u32), data: &[u8], big_endian: bool) -> (u32, u32) {
    let word = |bytes: &[u8]| {
        let bytes = [bytes[0], bytes[1], bytes[2], bytes[3]];
        if big_endian {
            u32::from_be_bytes(bytes)
        } else {
            u32::from_le_bytes(bytes)
        }
    };
    for pair in data.chunks_exact(8) {
        s0 = s0.wrapping_add(word(&pair[..4])).wrapping_add(s1);
        s1 = s1.wrapping_add(word(&pair[4..])).wrapping_add(s0);
    }
    (s0, s1)
}

fn be32(bytes: &[u8]) -> u32 {
    u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

/// Reads into `buf` until it is full or the file ends; how many bytes it got.
fn read_up_to(file: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    /// A WAL-mode database whose newest page 1 is in the `-wal` (a connection
    /// left open, so nothing is checkpointed), with SQLite's own answer beside.
    fn wal_database(dir: &Path, version: u32) -> (Connection, std::path::PathBuf) {
        let db = dir.join("store.sqlite3");
        let conn = Connection::open(&db).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        conn.execute_batch("CREATE TABLE t (x)").unwrap();
        conn.pragma_update(None, "user_version", version).unwrap();
        conn.pragma_update(None, "application_id", 0x0ff1_c0de).unwrap();
        (conn, db)
    }

    #[test]
    fn a_missing_or_empty_file_is_nothing_and_another_file_is_not_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x");
        assert_eq!(read(&db).unwrap(), Found::Nothing);
        std::fs::write(&db, b"").unwrap();
        assert_eq!(read(&db).unwrap(), Found::Nothing);
        std::fs::write(&db, b"PK\x03\x04 a zip file, say").unwrap();
        assert_eq!(read(&db).unwrap(), Found::NotSqlite);
    }

    #[test]
    fn the_newest_committed_header_is_read_from_the_wal_as_sqlite_reads_it() {
        let dir = tempfile::tempdir().unwrap();
        let (conn, db) = wal_database(dir.path(), 7);
        // The file itself still has the header of before the transactions.
        let main = std::fs::read(&db).unwrap();
        assert_eq!(be32(&main[60..]), 0);
        let found = read(&db).unwrap();
        assert_eq!(
            found,
            Found::Database(Header {
                user_version: 7,
                application_id: 0x0ff1_c0de,
                schema_empty: false,
            })
        );
        // A later transaction wins; an uncommitted frame does not count.
        conn.pragma_update(None, "user_version", 8).unwrap();
        let Found::Database(header) = read(&db).unwrap() else {
            panic!()
        };
        assert_eq!(header.user_version, 8);
        drop(conn);
        // Closed: checkpointed into the file and the WAL deleted; same answer.
        let Found::Database(header) = read(&db).unwrap() else {
            panic!()
        };
        assert_eq!(header.user_version, 8);
    }

    #[test]
    fn a_torn_frame_or_one_of_an_older_wal_does_not_count() {
        let dir = tempfile::tempdir().unwrap();
        let (conn, _db) = wal_database(dir.path(), 7);
        let wal = dir.path().join("store.sqlite3-wal");
        let bytes = std::fs::read(&wal).unwrap();
        let frame = FRAME_HEADER + 4096;
        let frames = (bytes.len() - WAL_HEADER) / frame;
        assert!(frames >= 3, "{frames}");
        // The last frame (the application id's commit) torn: the version's commit still holds.
        let mut torn = bytes.clone();
        let last = WAL_HEADER + (frames - 1) * frame;
        torn[last + FRAME_HEADER + 200] ^= 0xff;
        let newest = |bytes: &[u8]| newest_committed(&mut &bytes[..], 1).unwrap();
        let page1 = newest(&torn).unwrap();
        assert_eq!((be32(&page1[60..]), be32(&page1[68..])), (7, 0));
        assert_eq!(be32(&newest(&bytes).unwrap()[68..]), 0x0ff1_c0de);
        // Salts of another WAL: nothing counts.
        let mut other = bytes.clone();
        other[WAL_HEADER + 8] ^= 1;
        assert_eq!(newest(&other), None);
        // A damaged WAL header: the WAL is not read at all.
        let mut bad = bytes;
        bad[12] ^= 1;
        assert_eq!(newest(&bad), None);
        drop(conn);
    }

    #[test]
    fn a_new_database_has_an_empty_schema() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("store.sqlite3");
        let conn = Connection::open(&db).unwrap();
        conn.pragma_update(None, "user_version", 3).unwrap();
        drop(conn);
        let Found::Database(header) = read(&db).unwrap() else {
            panic!()
        };
        assert!(header.schema_empty);
        assert_eq!(header.user_version, 3);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        /// A damaged file is read, or found not to be a database, never a panic:
        /// arbitrary bytes as the file and as its WAL, and a real WAL with bytes
        /// changed anywhere.
        #[test]
        fn any_bytes_read_without_a_panic(
            main in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
            wal in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..9_000),
            flips in proptest::collection::vec((0usize..20_000, 1u8..=255), 0..8),
        ) {
            let _ = newest_committed(&mut &wal[..], 1);
            let dir = tempfile::tempdir().unwrap();
            let db = dir.path().join("store.sqlite3");
            let mut page = MAGIC.to_vec();
            page.extend_from_slice(&main);
            std::fs::write(&db, &page).unwrap();
            std::fs::write(dir.path().join("store.sqlite3-wal"), &wal).unwrap();
            let _ = read(&db).unwrap();
            let other = tempfile::tempdir().unwrap();
            let (conn, _) = wal_database(other.path(), 5);
            let mut real = std::fs::read(other.path().join("store.sqlite3-wal")).unwrap();
            drop(conn);
            for (at, xor) in flips {
                let len = real.len();
                real[at % len] ^= xor;
            }
            let _ = newest_committed(&mut &real[..], 1);
        }
    }
}
