fn main() {
    uniffi::generate_scaffolding("src/offline_push.udl").expect("the UDL file must parse");
}
