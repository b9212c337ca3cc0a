// Registers cdktf's matchers (toHaveResourceWithProperties, toBeValidTerraform, ...).
require('cdktf/lib/testing/adapters/jest').setupJest();
