"""URLs moto hands to the Customer Profiles response class.

The service lives at ``https://profile.<region>.amazonaws.com``; the operation is chosen
from the method and path by ``protocol.route``, from the botocore model, so one catch-all
path serves every operation.
"""

from .responses import CustomerProfilesResponse

url_bases = [r"https?://profile\.(.+)\.amazonaws\.com"]

url_paths = {"{0}/.*$": CustomerProfilesResponse.dispatch}
