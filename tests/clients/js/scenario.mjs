// The AWS SDK for JavaScript v3 against cp_mock's server mode. Exits non-zero on any
// wrong result, not only on a crash. CP_MOCK_ENDPOINT names the server.
import assert from "node:assert/strict";
import {
  CustomerProfilesClient,
  CreateDomainCommand,
  CreateProfileCommand,
  SearchProfilesCommand,
  PutProfileObjectTypeCommand,
  PutProfileObjectCommand,
  ListProfileObjectsCommand,
  TagResourceCommand,
  ListTagsForResourceCommand,
  DeleteDomainCommand,
  GetDomainCommand,
  ResourceNotFoundException,
  BadRequestException,
} from "@aws-sdk/client-customer-profiles";

const endpoint = process.env.CP_MOCK_ENDPOINT;
assert.ok(endpoint, "set CP_MOCK_ENDPOINT");
const client = new CustomerProfilesClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
});
const send = (command) => client.send(command);
const DomainName = "js-domain";

const created = await send(new CreateDomainCommand({ DomainName, DefaultExpirationDays: 30 }));
assert.equal(created.DomainName, DomainName);
assert.ok(created.CreatedAt instanceof Date);

const { ProfileId } = await send(
  new CreateProfileCommand({ DomainName, FirstName: "Ada", PhoneNumber: "+15550100" }),
);
assert.match(ProfileId, /^[a-f0-9]{32}$/);
await send(new CreateProfileCommand({ DomainName, FirstName: "Bob", PhoneNumber: "+15550199" }));

const found = await send(
  new SearchProfilesCommand({ DomainName, KeyName: "_phone", Values: ["+15550100"] }),
);
assert.deepEqual(found.Items.map((p) => [p.ProfileId, p.FirstName]), [[ProfileId, "Ada"]]);

await send(
  new PutProfileObjectTypeCommand({
    DomainName,
    ObjectTypeName: "Order",
    Description: "orders",
    Fields: {
      id: { Source: "_source.id" },
      phone: { Source: "_source.phone", Target: "_profile.PhoneNumber" },
    },
    Keys: {
      orderId: [{ StandardIdentifiers: ["UNIQUE"], FieldNames: ["id"] }],
      _phone: [{ StandardIdentifiers: ["PROFILE"], FieldNames: ["phone"] }],
    },
  }),
);
const put = await send(
  new PutProfileObjectCommand({
    DomainName,
    ObjectTypeName: "Order",
    Object: JSON.stringify({ id: "o-1", phone: "+15550100", total: 12.5 }),
  }),
);
assert.ok(put.ProfileObjectUniqueKey);
const objects = await send(
  new ListProfileObjectsCommand({ DomainName, ObjectTypeName: "Order", ProfileId }),
);
assert.equal(objects.Items.length, 1);
assert.equal(JSON.parse(objects.Items[0].Object).total, 12.5);
assert.equal(objects.Items[0].ProfileObjectUniqueKey, put.ProfileObjectUniqueKey);

const resourceArn = `arn:aws:profile:us-east-1:123456789012:domains/${DomainName}`;
await send(new TagResourceCommand({ resourceArn, tags: { team: "crm" } }));
const tags = await send(new ListTagsForResourceCommand({ resourceArn }));
assert.deepEqual(tags.tags, { team: "crm" });

const stats = (await send(new GetDomainCommand({ DomainName }))).Stats;
assert.deepEqual([stats.ProfileCount, stats.ObjectCount], [2, 1]);

await assert.rejects(
  send(new CreateDomainCommand({ DomainName: "x".repeat(65), DefaultExpirationDays: 1 })),
  (error) => error instanceof BadRequestException && /DomainName/.test(error.message),
);

await send(new DeleteDomainCommand({ DomainName }));
await assert.rejects(
  send(new GetDomainCommand({ DomainName })),
  (error) => error instanceof ResourceNotFoundException && error.$metadata.httpStatusCode === 404,
);
console.log("js scenario: all assertions passed");
