// The demo app, as an Android team lays it out: the app module and the neutral
// module (`shared`, no android.*, which `./dev test` compiles and tests on a JVM).
// The Kotlin package is this checkout's bindings/kotlin, an included build that
// stands in for the released AAR, org.offlinepush:offline-push:0.1.0, so the app
// always runs the code under review; an app outside this repository drops the
// includeBuild line and gets the AAR from its repository.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
        // Huawei's, Honor's and the other vendors' SDKs.
        maven("https://developer.huawei.com/repo/")
        maven("https://developer.hihonor.com/repo/")
    }
}

rootProject.name = "offline-push-demo"
include(":app", ":shared")
includeBuild("../bindings/kotlin")
