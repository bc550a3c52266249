// The Kotlin package built on its own (`gradle -p bindings/kotlin ...`, as
// `./dev release` does). An app that includes this folder as a module uses its own
// settings instead.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "offline-push"
