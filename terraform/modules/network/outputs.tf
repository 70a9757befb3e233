output "network_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "cidr" {
  description = "IPv4 range of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "zones" {
  description = "Availability zones, in the order of the subnet lists below."
  value       = var.zones
}

output "private_subnet_ids" {
  description = "Private subnet IDs, one per zone (nodes, pods, internal load balancers)."
  value       = aws_subnet.private[*].id
}

output "public_subnet_ids" {
  description = "Public subnet IDs, one per zone (NAT gateways, internet-facing load balancers)."
  value       = aws_subnet.public[*].id
}

output "nat_public_ips" {
  description = "Public addresses the private subnets reach the internet from (for allow-lists of third parties)."
  value       = aws_eip.nat[*].public_ip
}

output "flow_log_group" {
  description = "CloudWatch Logs group holding the VPC flow logs."
  value       = aws_cloudwatch_log_group.flow_logs.name
}
