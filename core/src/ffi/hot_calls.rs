// The hot calls of `OfflinePushManager`, in the order of their op codes: the one
// list from which the fast paths' table (`fast.rs`) and the Kotlin and Swift
// patches (bindings/uniffi-bindgen) are made. Each names the method, its
// argument, and the argument's and the answer's types (`[T]`: a sequence).
hot_calls! {
    render(message: IncomingMessage) -> RenderOutcome;
    render_batch(messages: [IncomingMessage]) -> [RenderOutcome];
    receive(message: IncomingMessage) -> RenderOutcome;
    preview(message: IncomingMessage) -> String;
    preview_batch(messages: [IncomingMessage]) -> [String];
}
