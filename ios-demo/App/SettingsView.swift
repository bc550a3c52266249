import OfflinePushDemoShared
import SwiftUI

/// The same settings screen as Android's: sign-in, the global switch, a group's
/// receive option, do-not-disturb, the sync status and "why no notification".
struct SettingsView: View {
    @ObservedObject var model: AppModel
    @State private var group = ""

    var body: some View {
        NavigationView {
            Form {
                Section {
                    TextField("User id", text: $model.userId)
                        .textInputAutocapitalization(.never)
                    HStack {
                        Button("Sign in") { model.signIn() }.disabled(model.userId.isEmpty)
                        Spacer()
                        Button("Sign out") { model.signOut() }.disabled(!model.signedIn)
                    }
                }
                Section {
                    Toggle("Offline push", isOn: Binding(get: { model.enabled }, set: { model.setEnabled($0) }))
                    Toggle("Do not disturb 22:00–07:00", isOn: Binding(get: { model.doNotDisturb }, set: { model.setDoNotDisturb($0) }))
                    TextField("Group id to mute", text: $group)
                    Button("Mute group") { model.mute(group: group) }.disabled(group.isEmpty)
                    Button("Mute group, except @mentions") { model.mute(group: group, exceptMentions: true) }
                        .disabled(group.isEmpty)
                }
                Section("Sync") {
                    Text(model.syncStatus)
                    Button("Sync now") { model.sync() }
                }
                Section("Why no notification") {
                    if model.why.isEmpty { Text("none") }
                    ForEach(model.why, id: \.self) { Text($0) }
                }
                if let opened = model.opened {
                    Section("Opened") { Text(opened) }
                }
            }
            .navigationTitle("offline-push demo")
        }
    }
}
