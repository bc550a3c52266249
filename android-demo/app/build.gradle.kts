plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
    // Reads app/google-services.json (your Firebase project's; not committed).
    id("com.google.gms.google-services")
}

android {
    namespace = "org.offlinepush.demo.app"
    compileSdk = 35

    defaultConfig {
        applicationId = "org.offlinepush.demo"
        minSdk = 23
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
        // The demo backend on the development machine, as the emulator reaches it.
        buildConfigField("String", "BACKEND_URL", "\"http://10.0.2.2:8080\"")
        // The certificate ids of each vendor in the IM console (RULES V2: not 0).
        buildConfigField("long", "FCM_BUSINESS_ID", "7L")
        buildConfigField("long", "XIAOMI_BUSINESS_ID", "8L")
        buildConfigField("long", "HUAWEI_BUSINESS_ID", "10L")
        buildConfigField("long", "HONOR_BUSINESS_ID", "11L")
        buildConfigField("long", "OPPO_BUSINESS_ID", "12L")
        buildConfigField("long", "VIVO_BUSINESS_ID", "13L")
        buildConfigField("long", "MEIZU_BUSINESS_ID", "14L")
        // Xiaomi's and Meizu's SDKs are started with the app's ids from their consoles.
        manifestPlaceholders["xiaomiAppId"] = "2882303761517000000"
        ndk { abiFilters += listOf("arm64-v8a", "armeabi-v7a", "x86_64") }
    }

    buildFeatures { buildConfig = true }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    sourceSets["main"].java.srcDirs("src/main/kotlin")
}

kotlin { jvmToolchain(17) }

dependencies {
    implementation(project(":shared"))
    implementation("androidx.core:core-ktx:1.15.0")
    implementation("androidx.activity:activity-ktx:1.9.3")
    implementation("androidx.lifecycle:lifecycle-runtime-ktx:2.8.7")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.9.0")

    // The vendors' push SDKs: each entry point in app/src/main/kotlin/.../push
    // extends one class of these.
    implementation(platform("com.google.firebase:firebase-bom:33.7.0"))
    implementation("com.google.firebase:firebase-messaging")
    implementation("com.huawei.hms:push:6.12.0.300")
    implementation("com.hihonor.mcs:push:7.0.61.303")
    // Xiaomi, OPPO, vivo and Meizu ship their SDKs as files from their consoles
    // (MiPush_SDK_Client_*.jar, com.heytap.msp_*.aar, vivo_pushSDK_*.aar,
    // push-internal-*.aar); put them in app/libs.
    implementation(fileTree("libs") { include("*.jar", "*.aar") })
}
