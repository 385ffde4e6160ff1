#pragma once
// Opens a folder's report.html in headless Chromium and checks it (tests/cli/report_test.cpp).
#include <filesystem>

namespace nnadc::test {
void checkReportInBrowser(const std::filesystem::path& folder);
}
